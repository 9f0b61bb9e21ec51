//! The ICD-10 (CIM-10) codes practitioners pick from: the diagnoses most
//! often written in general and specialist consultations in primary care,
//! with their label in French, English and Arabic. Searched by code prefix
//! or by words of the label (accents and case ignored).
//!
//! This is a curated subset (see docs/ARCHITECTURE.md): a consultation may
//! carry any well-formed code, so a practitioner is never blocked by a code
//! missing here; loading the full WHO/ATIH table is a data task, not a code
//! change (same shape, same search).

use shared::dto::Icd10Out;
use shared::Lang;

/// (code, French, English, Arabic)
pub const CODES: &[(&str, &str, &str, &str)] = &[
    (
        "A09",
        "Diarrhée et gastro-entérite d'origine présumée infectieuse",
        "Infectious gastroenteritis and colitis",
        "إسهال والتهاب المعدة والأمعاء من أصل معدٍ مفترض",
    ),
    ("A15.0", "Tuberculose pulmonaire, confirmée", "Tuberculosis of lung, confirmed", "سل رئوي مؤكد"),
    ("A90", "Dengue", "Dengue fever", "حمى الضنك"),
    ("B01.9", "Varicelle sans complication", "Varicella without complication", "جدري الماء دون مضاعفات"),
    ("B05.9", "Rougeole sans complication", "Measles without complication", "حصبة دون مضاعفات"),
    ("B18.1", "Hépatite virale chronique B", "Chronic viral hepatitis B", "التهاب الكبد الفيروسي المزمن ب"),
    ("B18.2", "Hépatite virale chronique C", "Chronic viral hepatitis C", "التهاب الكبد الفيروسي المزمن ج"),
    ("B35.3", "Dermatophytose du pied", "Tinea pedis", "فطار القدم"),
    ("B37.3", "Candidose de la vulve et du vagin", "Candidiasis of vulva and vagina", "داء المبيضات الفرجي المهبلي"),
    ("B86", "Gale", "Scabies", "الجرب"),
    ("C18.9", "Tumeur maligne du côlon", "Malignant neoplasm of colon", "ورم خبيث في القولون"),
    ("C34.9", "Tumeur maligne des bronches ou du poumon", "Malignant neoplasm of bronchus or lung", "ورم خبيث في القصبات أو الرئة"),
    ("C50.9", "Tumeur maligne du sein", "Malignant neoplasm of breast", "ورم خبيث في الثدي"),
    ("C61", "Tumeur maligne de la prostate", "Malignant neoplasm of prostate", "ورم خبيث في البروستاتا"),
    ("D50.9", "Anémie par carence en fer", "Iron deficiency anaemia", "فقر الدم بعوز الحديد"),
    ("D56.1", "Bêta-thalassémie", "Beta thalassaemia", "الثلاسيميا بيتا"),
    ("D57.1", "Drépanocytose sans crise", "Sickle-cell disease without crisis", "فقر الدم المنجلي دون نوبة"),
    ("E03.9", "Hypothyroïdie", "Hypothyroidism", "قصور الغدة الدرقية"),
    ("E05.9", "Thyréotoxicose (hyperthyroïdie)", "Thyrotoxicosis (hyperthyroidism)", "فرط نشاط الغدة الدرقية"),
    ("E10.9", "Diabète de type 1 sans complication", "Type 1 diabetes mellitus without complications", "داء السكري من النوع الأول دون مضاعفات"),
    ("E11.9", "Diabète de type 2 sans complication", "Type 2 diabetes mellitus without complications", "داء السكري من النوع الثاني دون مضاعفات"),
    (
        "E11.2",
        "Diabète de type 2 avec complications rénales",
        "Type 2 diabetes mellitus with renal complications",
        "داء السكري من النوع الثاني مع مضاعفات كلوية",
    ),
    (
        "E11.3",
        "Diabète de type 2 avec complications oculaires",
        "Type 2 diabetes mellitus with ophthalmic complications",
        "داء السكري من النوع الثاني مع مضاعفات عينية",
    ),
    ("E55.9", "Carence en vitamine D", "Vitamin D deficiency", "نقص فيتامين د"),
    ("E66.9", "Obésité", "Obesity", "السمنة"),
    ("E78.0", "Hypercholestérolémie pure", "Pure hypercholesterolaemia", "فرط كوليسترول الدم الصرف"),
    ("E78.5", "Hyperlipidémie", "Hyperlipidaemia", "فرط شحميات الدم"),
    ("E86", "Déshydratation", "Volume depletion (dehydration)", "التجفاف"),
    ("F10.2", "Dépendance à l'alcool", "Alcohol dependence", "الإدمان على الكحول"),
    ("F20.9", "Schizophrénie", "Schizophrenia", "الفصام"),
    ("F32.9", "Épisode dépressif", "Depressive episode", "نوبة اكتئابية"),
    ("F41.1", "Anxiété généralisée", "Generalized anxiety disorder", "اضطراب القلق المعمم"),
    ("F41.9", "Trouble anxieux", "Anxiety disorder", "اضطراب القلق"),
    ("F51.0", "Insomnie non organique", "Nonorganic insomnia", "أرق غير عضوي"),
    ("F84.0", "Autisme infantile", "Childhood autism", "التوحد الطفولي"),
    ("F90.0", "Trouble de l'attention avec hyperactivité", "Attention deficit hyperactivity disorder", "اضطراب نقص الانتباه مع فرط النشاط"),
    ("G40.9", "Épilepsie", "Epilepsy", "الصرع"),
    ("G43.9", "Migraine", "Migraine", "الشقيقة"),
    ("G44.2", "Céphalée de tension", "Tension-type headache", "صداع التوتر"),
    ("G47.3", "Apnée du sommeil", "Sleep apnoea", "انقطاع النفس أثناء النوم"),
    ("G56.0", "Syndrome du canal carpien", "Carpal tunnel syndrome", "متلازمة النفق الرسغي"),
    ("H10.9", "Conjonctivite", "Conjunctivitis", "التهاب الملتحمة"),
    ("H25.9", "Cataracte sénile", "Senile cataract", "الساد الشيخوخي"),
    ("H40.9", "Glaucome", "Glaucoma", "الزرق (الغلوكوما)"),
    ("H52.1", "Myopie", "Myopia", "قصر النظر"),
    ("H61.2", "Bouchon de cérumen", "Impacted cerumen", "سدادة شمعية في الأذن"),
    ("H66.9", "Otite moyenne", "Otitis media", "التهاب الأذن الوسطى"),
    ("I10", "Hypertension essentielle", "Essential (primary) hypertension", "ارتفاع ضغط الدم الأساسي"),
    (
        "I11.9",
        "Cardiopathie hypertensive sans insuffisance cardiaque",
        "Hypertensive heart disease without heart failure",
        "مرض القلب الناتج عن ارتفاع الضغط دون قصور قلبي",
    ),
    ("I20.9", "Angine de poitrine", "Angina pectoris", "الذبحة الصدرية"),
    ("I21.9", "Infarctus aigu du myocarde", "Acute myocardial infarction", "احتشاء عضلة القلب الحاد"),
    ("I25.9", "Cardiopathie ischémique chronique", "Chronic ischaemic heart disease", "مرض القلب الإقفاري المزمن"),
    ("I48", "Fibrillation et flutter auriculaires", "Atrial fibrillation and flutter", "الرجفان والرفرفة الأذينية"),
    ("I50.9", "Insuffisance cardiaque", "Heart failure", "قصور القلب"),
    ("I63.9", "Infarctus cérébral", "Cerebral infarction", "احتشاء دماغي"),
    ("I64", "Accident vasculaire cérébral", "Stroke, not specified as haemorrhage or infarction", "سكتة دماغية"),
    ("I83.9", "Varices des membres inférieurs", "Varicose veins of lower extremities", "دوالي الأطراف السفلية"),
    ("I84.9", "Hémorroïdes", "Haemorrhoids", "البواسير"),
    ("J00", "Rhinopharyngite aiguë (rhume)", "Acute nasopharyngitis (common cold)", "التهاب الأنف والبلعوم الحاد (الزكام)"),
    ("J01.9", "Sinusite aiguë", "Acute sinusitis", "التهاب الجيوب الأنفية الحاد"),
    ("J02.9", "Pharyngite aiguë", "Acute pharyngitis", "التهاب البلعوم الحاد"),
    ("J03.9", "Amygdalite aiguë", "Acute tonsillitis", "التهاب اللوزتين الحاد"),
    ("J06.9", "Infection aiguë des voies respiratoires supérieures", "Acute upper respiratory infection", "عدوى حادة في الجهاز التنفسي العلوي"),
    ("J11.1", "Grippe avec autres manifestations respiratoires", "Influenza with other respiratory manifestations", "الإنفلونزا مع مظاهر تنفسية أخرى"),
    ("J18.9", "Pneumopathie", "Pneumonia", "التهاب رئوي"),
    ("J20.9", "Bronchite aiguë", "Acute bronchitis", "التهاب القصبات الحاد"),
    ("J21.9", "Bronchiolite aiguë", "Acute bronchiolitis", "التهاب القصيبات الحاد"),
    ("J30.4", "Rhinite allergique", "Allergic rhinitis", "التهاب الأنف التحسسي"),
    ("J44.9", "Bronchopneumopathie chronique obstructive", "Chronic obstructive pulmonary disease", "الداء الرئوي الانسدادي المزمن"),
    ("J45.9", "Asthme", "Asthma", "الربو"),
    ("K02.9", "Carie dentaire", "Dental caries", "تسوس الأسنان"),
    ("K21.9", "Reflux gastro-œsophagien", "Gastro-oesophageal reflux disease", "الارتجاع المعدي المريئي"),
    ("K25.9", "Ulcère de l'estomac", "Gastric ulcer", "قرحة المعدة"),
    ("K29.7", "Gastrite", "Gastritis", "التهاب المعدة"),
    ("K30", "Dyspepsie", "Dyspepsia", "عسر الهضم"),
    ("K35.8", "Appendicite aiguë", "Acute appendicitis", "التهاب الزائدة الدودية الحاد"),
    ("K40.9", "Hernie inguinale", "Inguinal hernia", "فتق إربي"),
    ("K58.9", "Syndrome de l'intestin irritable", "Irritable bowel syndrome", "متلازمة القولون العصبي"),
    ("K59.0", "Constipation", "Constipation", "الإمساك"),
    ("K80.2", "Lithiase biliaire", "Calculus of gallbladder", "حصاة المرارة"),
    ("K90.0", "Maladie cœliaque", "Coeliac disease", "الداء الزلاقي"),
    ("L20.9", "Dermatite atopique", "Atopic dermatitis", "التهاب الجلد التأتبي"),
    ("L30.9", "Dermatite", "Dermatitis", "التهاب الجلد"),
    ("L40.0", "Psoriasis vulgaire", "Psoriasis vulgaris", "الصدفية الشائعة"),
    ("L50.9", "Urticaire", "Urticaria", "الشرى"),
    ("L70.0", "Acné", "Acne vulgaris", "حب الشباب"),
    ("M06.9", "Polyarthrite rhumatoïde", "Rheumatoid arthritis", "التهاب المفاصل الروماتويدي"),
    ("M10.9", "Goutte", "Gout", "النقرس"),
    ("M17.9", "Gonarthrose", "Gonarthrosis (knee osteoarthritis)", "فصال الركبة"),
    ("M19.9", "Arthrose", "Arthrosis", "الفصال العظمي"),
    ("M54.2", "Cervicalgie", "Cervicalgia", "ألم الرقبة"),
    ("M54.5", "Lombalgie basse", "Low back pain", "ألم أسفل الظهر"),
    ("M75.1", "Syndrome de la coiffe des rotateurs", "Rotator cuff syndrome", "متلازمة الكفة المدورة"),
    ("M79.1", "Myalgie", "Myalgia", "ألم عضلي"),
    ("M81.9", "Ostéoporose", "Osteoporosis", "هشاشة العظام"),
    ("N18.9", "Maladie rénale chronique", "Chronic kidney disease", "مرض الكلى المزمن"),
    ("N20.0", "Calcul du rein", "Calculus of kidney", "حصاة الكلية"),
    ("N30.0", "Cystite aiguë", "Acute cystitis", "التهاب المثانة الحاد"),
    ("N39.0", "Infection des voies urinaires", "Urinary tract infection", "عدوى المسالك البولية"),
    ("N40", "Hyperplasie de la prostate", "Hyperplasia of prostate", "تضخم البروستاتا"),
    ("N76.0", "Vaginite aiguë", "Acute vaginitis", "التهاب المهبل الحاد"),
    ("N94.6", "Dysménorrhée", "Dysmenorrhoea", "عسر الطمث"),
    ("N95.1", "Ménopause", "Menopausal states", "سن اليأس"),
    ("O24.4", "Diabète gestationnel", "Gestational diabetes mellitus", "سكري الحمل"),
    ("O80", "Accouchement unique et spontané", "Single spontaneous delivery", "ولادة مفردة تلقائية"),
    ("R05", "Toux", "Cough", "السعال"),
    ("R10.4", "Douleurs abdominales", "Abdominal pain", "ألم في البطن"),
    ("R11", "Nausées et vomissements", "Nausea and vomiting", "الغثيان والقيء"),
    ("R42", "Étourdissements et vertiges", "Dizziness and giddiness", "الدوار والدوخة"),
    ("R50.9", "Fièvre", "Fever", "الحمى"),
    ("R51", "Céphalée", "Headache", "الصداع"),
    ("R53", "Malaise et fatigue", "Malaise and fatigue", "توعك وتعب"),
    ("R73.0", "Anomalie de la glycémie (prédiabète)", "Abnormal glucose tolerance (prediabetes)", "اضطراب تحمل الغلوكوز (ما قبل السكري)"),
    ("S06.0", "Commotion cérébrale", "Concussion", "ارتجاج الدماغ"),
    ("S52.5", "Fracture de l'extrémité inférieure du radius", "Fracture of lower end of radius", "كسر الطرف السفلي للكعبرة"),
    ("S93.4", "Entorse de la cheville", "Sprain of ankle", "التواء الكاحل"),
    ("T14.1", "Plaie ouverte", "Open wound", "جرح مفتوح"),
    ("T78.4", "Allergie", "Allergy, unspecified", "حساسية"),
    ("U07.1", "COVID-19, virus identifié", "COVID-19, virus identified", "كوفيد-19، الفيروس محدد"),
    ("Z00.0", "Examen médical général", "General medical examination", "فحص طبي عام"),
    ("Z01.4", "Examen gynécologique", "Gynaecological examination", "فحص نسائي"),
    ("Z23", "Vaccination", "Need for immunization", "الحاجة إلى التلقيح"),
    ("Z30.0", "Conseil en contraception", "General counselling on contraception", "استشارة حول منع الحمل"),
    ("Z34.9", "Surveillance de grossesse normale", "Supervision of normal pregnancy", "متابعة حمل طبيعي"),
    ("Z76.0", "Renouvellement d'ordonnance", "Issue of repeat prescription", "تجديد وصفة طبية"),
];

/// Lower case without French accents, for matching.
fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'œ' => 'o',
            c => c,
        })
        .collect()
}

fn label(entry: &(&str, &str, &str, &str), lang: Lang) -> String {
    match lang {
        Lang::Fr => entry.1,
        Lang::En => entry.2,
        Lang::Ar => entry.3,
    }
    .to_owned()
}

/// Up to 20 codes whose code starts with `q`, or whose label (in any of
/// the three languages) contains every word of `q`; labels in `lang`.
pub fn search(q: &str, lang: Lang) -> Vec<Icd10Out> {
    let q = fold(q.trim());
    if q.is_empty() {
        return Vec::new();
    }
    let words: Vec<&str> = q.split_whitespace().collect();
    let by_code = CODES.iter().filter(|e| fold(e.0).starts_with(&q));
    let by_words = CODES.iter().filter(|e| {
        let hay = fold(&format!("{} {} {}", e.1, e.2, e.3));
        !fold(e.0).starts_with(&q) && words.iter().all(|w| hay.contains(w))
    });
    by_code.chain(by_words).take(20).map(|e| Icd10Out { code: e.0.to_owned(), label: label(e, lang) }).collect()
}

/// The label of a code in the list, if it is there.
pub fn label_of(code: &str, lang: Lang) -> Option<String> {
    CODES.iter().find(|e| e.0 == code).map(|e| label(e, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_well_formed_and_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for e in CODES {
            assert!(shared::dto::is_icd10(e.0), "{}", e.0);
            assert!(seen.insert(e.0), "{} twice", e.0);
            assert!(!e.1.is_empty() && !e.2.is_empty() && !e.3.is_empty(), "{}", e.0);
        }
        assert!(CODES.len() >= 100);
    }

    #[test]
    fn search_by_code_by_french_words_without_accents_and_in_arabic() {
        assert_eq!(search("J45", Lang::Fr)[0].code, "J45.9");
        let diabetes: Vec<String> = search("diabete type 2", Lang::Fr).into_iter().map(|c| c.code).collect();
        assert!(diabetes.contains(&"E11.9".to_owned()) && !diabetes.contains(&"E10.9".to_owned()), "{diabetes:?}");
        assert_eq!(search("الربو", Lang::Ar)[0], Icd10Out { code: "J45.9".into(), label: "الربو".into() });
        assert_eq!(search("hypertension", Lang::En)[0].label, "Essential (primary) hypertension");
        assert!(search("   ", Lang::Fr).is_empty());
        assert!(search("zzzz", Lang::Fr).is_empty());
    }
}
