-- The job workers that ran on each host, so that a process starting again on that host can
-- release the jobs its killed predecessor still holds at once, rather than after the heartbeat
-- sweep (see server/src/recovery.rs). Written only by the server's job runner.
CREATE SCHEMA IF NOT EXISTS runtime;

CREATE TABLE runtime.job_workers (
    worker_id   text PRIMARY KEY,
    host        text NOT NULL,
    -- The kernel's boot id: a process of an earlier boot is gone whatever its pid.
    boot_id     text NOT NULL,
    pid         integer NOT NULL,
    -- When the process started, in clock ticks since boot (/proc/<pid>/stat), so that a pid
    -- reused by another process is not taken for the worker.
    start_ticks bigint NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX job_workers_by_host ON runtime.job_workers (host);
