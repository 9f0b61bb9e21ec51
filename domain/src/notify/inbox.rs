//! The in-app inbox and the channel preferences a citizen sets.

use super::*;
use crate::services::Notifications;

impl Core {
    pub(super) async fn prefs_of(&self, account: UserId) -> Result<NotificationPrefs> {
        Ok(notification_pref::Entity::find_by_id(account)
            .one(self.db())
            .await?
            .map(|p| NotificationPrefs { email: p.email, sms: p.sms })
            .unwrap_or(NotificationPrefs { email: true, sms: true }))
    }
}

impl Notifications {
    /// The actor's channel choices (citizens; staff get no citizen messages).
    pub async fn notification_prefs(&self, actor: &Actor) -> Result<NotificationPrefs> {
        self.core.prefs_of(actor.user_id).await
    }

    pub async fn set_notification_prefs(&self, actor: &Actor, p: &NotificationPrefs) -> Result<NotificationPrefs> {
        let id = actor.user_id;
        let row = notification_pref::ActiveModel { account_id: Set(id), email: Set(p.email), sms: Set(p.sms), updated_at: Set(self.core.clock().now()) };
        notification_pref::Entity::insert(row)
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(notification_pref::Column::AccountId)
                    .update_columns([notification_pref::Column::Email, notification_pref::Column::Sms, notification_pref::Column::UpdatedAt])
                    .to_owned(),
            )
            .exec(self.core.db())
            .await?;
        self.core.prefs_of(id).await
    }

    /// The actor's in-app messages, newest first, in `lang`.
    pub async fn inbox(&self, actor: &Actor, lang: Lang) -> Result<InboxOut> {
        let id = actor.user_id;
        let rows = inbox_message::Entity::find()
            .filter(inbox_message::Column::AccountId.eq(id))
            .order_by_desc(inbox_message::Column::CreatedAt)
            .limit(100)
            .all(self.core.db())
            .await?;
        let unread = self.unread_count(actor).await?;
        let items = rows
            .into_iter()
            .map(|m| {
                let texts: serde_json::Value = serde_json::from_str(&m.texts).unwrap_or_default();
                let t = &texts[lang.code()];
                InboxItemOut {
                    id: m.id,
                    kind: m.kind,
                    title: t["title"].as_str().unwrap_or_default().to_owned(),
                    body: t["body"].as_str().unwrap_or_default().to_owned(),
                    appointment_id: m.appointment_id,
                    created_at: m.created_at,
                    read: m.read_at.is_some(),
                }
            })
            .collect();
        Ok(InboxOut { unread, items })
    }

    pub async fn unread_count(&self, actor: &Actor) -> Result<u64> {
        Ok(inbox_message::Entity::find()
            .filter(inbox_message::Column::AccountId.eq(actor.user_id))
            .filter(inbox_message::Column::ReadAt.is_null())
            .count(self.core.db())
            .await?)
    }

    /// Marks one of the actor's messages read (another's is "not found"),
    /// or all of them when `id` is None.
    pub async fn mark_read(&self, actor: &Actor, id: Option<MessageId>) -> Result<u64> {
        let mut q = inbox_message::Entity::update_many()
            .col_expr(inbox_message::Column::ReadAt, Expr::value(Some(self.core.clock().now())))
            .filter(inbox_message::Column::AccountId.eq(actor.user_id))
            .filter(inbox_message::Column::ReadAt.is_null());
        if let Some(id) = id {
            let mine = inbox_message::Entity::find_by_id(id).filter(inbox_message::Column::AccountId.eq(actor.user_id)).one(self.core.db()).await?;
            if mine.is_none() {
                return Err(Error::code(ErrorCode::NotFound));
            }
            q = q.filter(inbox_message::Column::Id.eq(id));
        }
        Ok(q.exec(self.core.db()).await?.rows_affected)
    }
}
