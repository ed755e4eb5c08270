-- Failure modes per task type: how many failed episodes carry each label, and their share of the task type's failures.
WITH labels AS (
    SELECT env, task_type, unnest(modes) AS failure_mode FROM failures
),
per_type AS (
    SELECT env, task_type, count(*) AS failed_episodes FROM failures GROUP BY env, task_type
)
SELECT
    l.env, l.task_type, l.failure_mode,
    count(*) AS failures,
    round(count(*) / any_value(p.failed_episodes), 4) AS share
FROM labels l JOIN per_type p USING (env, task_type)
GROUP BY l.env, l.task_type, l.failure_mode
ORDER BY l.env, l.task_type, failures DESC, l.failure_mode;
