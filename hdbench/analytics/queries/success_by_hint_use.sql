-- Success by hint use: success rate, score and steps of episodes played with and without hints, per task type.
SELECT
    env, task_type,
    CASE WHEN len(hint_ids) = 0 THEN 'no hints' ELSE 'with hints' END AS hints,
    count(*) AS episodes,
    round(count(*) FILTER (outcome = 'success') / nullif(count(*) FILTER (outcome != 'error'), 0), 4)
        AS success_rate,
    round(avg(score) FILTER (outcome != 'error') * 100, 2) AS score,
    round(avg(num_steps), 2) AS mean_steps
FROM (SELECT * FROM trajectories UNION ALL BY NAME SELECT * FROM teacher)
GROUP BY env, task_type, 3
ORDER BY env, task_type, hints;
