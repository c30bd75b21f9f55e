SELECT
  CONCAT(
    CONCAT(
      CAST(CAST(EXTRACT(year FROM CAST(CAST(`t6`.`period_start` AS TIMESTAMP) + INTERVAL '3' DAY AS DATE)) AS BIGINT) AS STRING),
      '-W'
    ),
    IF(
      (
        CAST(FLOOR(
          (
            CAST(CAST(DAYOFYEAR(CAST(CAST(`t6`.`period_start` AS TIMESTAMP) + INTERVAL '3' DAY AS DATE)) AS INT) AS BIGINT) - 1
          ) / (
            7
          )
        ) AS BIGINT) + 1
      ) < 10,
      CONCAT(
        '0',
        CAST(CAST(FLOOR(
          (
            CAST(CAST(DAYOFYEAR(CAST(CAST(`t6`.`period_start` AS TIMESTAMP) + INTERVAL '3' DAY AS DATE)) AS INT) AS BIGINT) - 1
          ) / (
            7
          )
        ) AS BIGINT) + 1 AS STRING)
      ),
      CAST(CAST(FLOOR(
        (
          CAST(CAST(DAYOFYEAR(CAST(CAST(`t6`.`period_start` AS TIMESTAMP) + INTERVAL '3' DAY AS DATE)) AS INT) AS BIGINT) - 1
        ) / (
          7
        )
      ) AS BIGINT) + 1 AS STRING)
    )
  ) AS `period`,
  `t6`.`period_start`,
  CAST(CAST(`t6`.`period_start` AS TIMESTAMP) + INTERVAL '6' DAY AS DATE) AS `period_end`,
  `t6`.`dimension_value`,
  `t6`.`median` AS `value`,
  `t6`.`total` AS `numerator`,
  CAST(`t6`.`n` AS DOUBLE) AS `denominator`,
  FALSE AS `maturing`
FROM (
  SELECT
    `t5`.`period_start`,
    `t5`.`dimension_value`,
    AVG(`t5`.`days`) AS `median`,
    MAX(`t5`.`total`) AS `total`,
    MAX(`t5`.`n`) AS `n`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t3`.`lead_key`,
        `t3`.`strict_1`,
        `t3`.`strict_2`,
        `t3`.`dimension_value`,
        `t3`.`period_start`,
        `t3`.`days`,
        ROW_NUMBER() OVER (
          PARTITION BY `t3`.`period_start`, `t3`.`dimension_value`
          ORDER BY `t3`.`days` ASC NULLS LAST
        ) - 1 AS `rank`,
        COUNT(`t3`.`days`) OVER (
          PARTITION BY `t3`.`period_start`, `t3`.`dimension_value`
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS `n`,
        SUM(`t3`.`days`) OVER (
          PARTITION BY `t3`.`period_start`, `t3`.`dimension_value`
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS `total`
      FROM (
        SELECT
          `t2`.`lead_key`,
          `t2`.`strict_1`,
          `t2`.`strict_2`,
          '' AS `dimension_value`,
          CAST(CAST(CAST(`t2`.`strict_2` AS DATE) AS TIMESTAMP) - CAST(CONCAT((
            DAYOFWEEK(CAST(`t2`.`strict_2` AS DATE)) + 5
          ) % 7, ' days') AS INTERVAL) AS DATE) AS `period_start`,
          CAST(UNIX_TIMESTAMP(CAST(`t2`.`strict_2` AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(`t2`.`strict_1` AS TIMESTAMP)) AS DOUBLE) / 86400 AS `days`
        FROM (
          SELECT
            `t1`.`lead_key`,
            MIN(IF(`t1`.`stage` = 'mql', `t1`.`entered_at`, NULL)) AS `strict_1`,
            MIN(IF(`t1`.`stage` = 'sql', `t1`.`entered_at`, NULL)) AS `strict_2`
          FROM (
            SELECT
              *
            FROM `lead_stages` AS `t0`
            WHERE
              `t0`.`stage` IN ('mql', 'sql')
          ) AS `t1`
          GROUP BY
            1
        ) AS `t2`
        WHERE
          `t2`.`strict_1` IS NOT NULL
          AND `t2`.`strict_2` IS NOT NULL
          AND `t2`.`strict_2` >= `t2`.`strict_1`
      ) AS `t3`
    ) AS `t4`
    WHERE
      (
        `t4`.`rank` = CAST(FLOOR((
          `t4`.`n` - 1
        ) / (
          2
        )) AS BIGINT)
      )
      OR (
        `t4`.`rank` = CAST(FLOOR((
          `t4`.`n`
        ) / (
          2
        )) AS BIGINT)
      )
  ) AS `t5`
  GROUP BY
    1,
    2
) AS `t6`
ORDER BY
  `t6`.`period_start` ASC NULLS LAST,
  `t6`.`dimension_value` ASC NULLS LAST
