-- Invalid-action rate per agent and task type: steps the environment rejected, over all steps.
SELECT
    env, agent, mode, task_type,
    sum(len(steps))::BIGINT AS steps,
    sum(len(list_filter(steps, lambda s: NOT s.valid)))::BIGINT AS invalid_steps,
    round(sum(len(list_filter(steps, lambda s: NOT s.valid))) / nullif(sum(len(steps)), 0), 4)
        AS invalid_rate
FROM (SELECT * FROM trajectories UNION ALL BY NAME SELECT * FROM teacher)
GROUP BY env, agent, mode, task_type
ORDER BY env, agent, mode, task_type;
