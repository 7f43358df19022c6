-- A command appends its events in whichever process served it, and the dispatcher may run in
-- another (a worker beside the web processes), where it would find them only at its next poll.
-- Each statement that appends notifies `baedal_events` at commit (PostgreSQL sends a
-- transaction's identical notifications once), and the dispatchers listen.
CREATE FUNCTION events.wake_dispatchers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('baedal_events', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER log_appended AFTER INSERT ON events.log
    FOR EACH STATEMENT EXECUTE FUNCTION events.wake_dispatchers();
