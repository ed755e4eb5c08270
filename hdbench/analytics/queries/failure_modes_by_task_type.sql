-- Failure modes per task type: how many failed episodes carry each label, and its share within the task type.
WITH labels AS (
    SELECT env, task_type, unnest(modes) AS failure_mode FROM failures
)
SELECT
    env, task_type, failure_mode,
    count(*) AS failures,
    round(count(*) / sum(count(*)) OVER (PARTITION BY env, task_type), 4) AS share
FROM labels
GROUP BY env, task_type, failure_mode
ORDER BY env, task_type, failures DESC, failure_mode;
