-- Tokens per success: total prompt + completion tokens spent per successful episode, per model and agent.
SELECT
    env, agent, mode, coalesce(model, '-') AS model,
    count(*) AS episodes,
    count(*) FILTER (outcome = 'success') AS successes,
    sum(prompt_tokens + completion_tokens)::BIGINT AS tokens,
    round(avg(prompt_tokens + completion_tokens), 1) AS tokens_per_episode,
    round(sum(prompt_tokens + completion_tokens) / nullif(count(*) FILTER (outcome = 'success'), 0), 1)
        AS tokens_per_success
FROM (SELECT * FROM trajectories UNION ALL BY NAME SELECT * FROM teacher)
GROUP BY env, agent, mode, coalesce(model, '-')
ORDER BY env, agent, mode, model;
