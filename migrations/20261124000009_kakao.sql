-- KakaoTalk AlimTalk messages: one per (event, recipient), with its delivery status.
CREATE TABLE notification.kakao_messages (
    event_id      uuid NOT NULL,
    recipient_id  uuid NOT NULL,
    template_code text NOT NULL,
    phone         text NOT NULL,
    content       text NOT NULL,
    variables     jsonb NOT NULL,
    status        text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SENT')),
    attempts      integer NOT NULL DEFAULT 0,
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    sent_at       timestamptz,
    PRIMARY KEY (event_id, recipient_id)
);
