-- Repeated-action rate per agent and task type: steps whose action equals the previous step's action, and episodes stuck in a loop (3+ identical actions in a row).
WITH per_episode AS (
    SELECT
        env, agent, mode, task_type,
        len(steps) AS steps,
        len(list_filter(range(2, len(steps) + 1),
                        lambda i: steps[i].action = steps[i - 1].action)) AS repeats,
        len(list_filter(range(3, len(steps) + 1),
                        lambda i: steps[i].action = steps[i - 1].action
                              AND steps[i].action = steps[i - 2].action)) > 0 AS looped
    FROM (SELECT * FROM trajectories UNION ALL BY NAME SELECT * FROM teacher)
)
SELECT
    env, agent, mode, task_type,
    sum(steps)::BIGINT AS steps,
    sum(repeats)::BIGINT AS repeated_steps,
    round(sum(repeats) / nullif(sum(steps), 0), 4) AS repeated_rate,
    round(avg(looped::INT), 4) AS looped_episode_rate
FROM per_episode
GROUP BY env, agent, mode, task_type
ORDER BY env, agent, mode, task_type;
