-- Outcomes per run setting: episodes, successes, failures, errors (not judged), success rate, mean score and steps.
SELECT
    env, agent, mode, coalesce(model, '-') AS model,
    count(*) AS episodes,
    count(*) FILTER (outcome = 'success') AS successes,
    count(*) FILTER (outcome = 'failure') AS failures,
    count(*) FILTER (outcome = 'error') AS errors,
    round(count(*) FILTER (outcome = 'success') / nullif(count(*) FILTER (outcome != 'error'), 0), 4)
        AS success_rate,
    round(avg(score) FILTER (outcome != 'error') * 100, 2) AS score,
    round(avg(num_steps), 2) AS mean_steps
FROM (SELECT * FROM trajectories UNION ALL BY NAME SELECT * FROM teacher)
GROUP BY env, agent, mode, coalesce(model, '-')
ORDER BY env, agent, mode, model;
