import { test, expect } from '@playwright/test';
import { hydrated, registerCitizen, signIn, smsTo, switchLanguage, uniqueCitizen } from './helpers';

// A teenager whose mother added her as a dependant registers herself: the
// form offers to ask for that record, the mother approves it on her family
// page, and the daughter signs in to an account that holds her record.
test('a dependant registers, asks for her record, the guardian approves, and she signs in to it', async ({ page, browser, request }) => {
  const mother = uniqueCitizen();
  const token = await registerCitizen(request, { nin: mother.nin, given_name: 'Samia', family_name: 'Ouali', birth_date: '1980-05-05', sex: 'female', phone: mother.phone, email: '', password: mother.password, lang: 'fr' });
  const daughter = uniqueCitizen();
  const added = await request.post('/api/v1/me/dependants', {
    headers: { authorization: `Bearer ${token}` },
    data: { given_name: 'Lina', family_name: 'Ouali', birth_date: '2010-03-04', sex: 'female', nin: daughter.nin, relation: 'child' },
  });
  expect(added.status()).toBe(201);

  // The daughter registers with her own NIN.
  const ctx = await browser.newContext();
  const her = await ctx.newPage();
  await her.goto('/register', { waitUntil: 'load' });
  await switchLanguage(her, 'fr');
  await hydrated(her);
  await her.fill('#nin', daughter.nin);
  await her.fill('#given_name', 'Lina');
  await her.fill('#family_name', 'Ouali');
  await her.fill('#birth_date', '2010-03-04');
  await her.check('input[name="sex"][value="female"]');
  await her.fill('#phone', daughter.phone);
  await her.fill('#password', daughter.password);
  await her.click('button[type="submit"]');
  await expect(her.locator('#nin-error')).toContainText('demandez votre dossier');
  await her.check('[data-test="claim-choice"] input');
  await expect(her.locator('button[type="submit"]')).toHaveText('Envoyer ma demande');
  await her.click('button[type="submit"]');
  await expect(her.locator('[data-test="claim-sent"]')).toContainText(`${daughter.phone.slice(0, 2)}••••••${daughter.phone.slice(-2)}`);

  // The mother approves it on her family page.
  await signIn(page, mother.phone, mother.password);
  await page.goto('/family');
  await hydrated(page);
  await expect(page.locator('[data-test="dependant"]')).toContainText('Lina Ouali');
  await expect(page.locator('[data-test="claim"]')).toContainText('Lina Ouali');
  await page.click('[data-test="claim-approve"]');
  await expect(page.locator('[data-test="claim-decided"]')).toContainText('désormais le sien');
  await expect(page.locator('[data-test="claims"]')).toHaveCount(0);
  await expect(page.locator('[data-test="dependant"]')).toHaveCount(0);

  // The daughter signs in with the password she chose and verifies her phone.
  await her.goto('/login');
  await hydrated(her);
  await her.fill('#login', daughter.phone);
  await her.fill('#password', daughter.password);
  await her.click('button[type="submit"]');
  await expect(her).toHaveURL(/\/profile$/);
  await expect(her.locator('[data-test="nin"]')).toHaveText(daughter.nin);
  await expect.poll(() => smsTo(daughter.phone).some((t) => /votre compte est prêt/.test(t)), { timeout: 20_000 }).toBe(true);
  await expect.poll(() => smsTo(daughter.phone).find((t) => /\b\d{6}\b/.test(t)), { timeout: 20_000 }).toBeTruthy();
  const code = smsTo(daughter.phone).find((t) => /\b\d{6}\b/.test(t))!.match(/\b(\d{6})\b/)![1];
  await her.goto('/verify');
  await hydrated(her);
  await her.fill('#code', code);
  await her.click('form:has(#code) button[type="submit"]');
  await expect(her.locator('[data-test="phone-verified"]')).toBeVisible();
  await expect.poll(() => smsTo(mother.phone).some((t) => t.includes('Lina Ouali a désormais son propre compte')), { timeout: 20_000 }).toBe(true);
  await ctx.close();
});

// An adult is not added on someone's word: her son asks on his family
// page, she approves on hers, and he then finds her among his family.
test('an adult approves, on her own family page, her son managing her appointments', async ({ page, browser, request }) => {
  const son = uniqueCitizen();
  await registerCitizen(request, { nin: son.nin, given_name: 'Karim', family_name: 'Zerrouki', birth_date: '1985-01-01', sex: 'male', phone: son.phone, email: '', password: son.password, lang: 'fr' });
  const mother = uniqueCitizen();
  await registerCitizen(request, { nin: mother.nin, given_name: 'Fatma', family_name: 'Zerrouki', birth_date: '1955-07-07', sex: 'female', phone: mother.phone, email: '', password: mother.password, lang: 'fr' });

  await signIn(page, son.phone, son.password);
  await page.goto('/family');
  await hydrated(page);
  await page.fill('#adult_nin', mother.nin);
  await page.selectOption('#adult_relation', 'parent');
  await page.click('[data-test="ask-adult"] button[type="submit"]');
  await expect(page.locator('[data-test="adult-asked"]')).toBeVisible();
  await expect(page.locator('[data-test="dependant"]')).toHaveCount(0);

  const ctx = await browser.newContext();
  const her = await ctx.newPage();
  await signIn(her, mother.phone, mother.password);
  await her.goto('/family');
  await hydrated(her);
  await expect(her.locator('[data-test="consent"]')).toContainText('Karim Zerrouki');
  await her.click('[data-test="consent-approve"]');
  await expect(her.locator('[data-test="guardian"]')).toContainText('Karim Zerrouki');
  await expect(her.locator('[data-test="consents"]')).toHaveCount(0);
  await ctx.close();

  await page.reload();
  await expect(page.locator('[data-test="dependant"]')).toContainText('Fatma Zerrouki');
});
