WITH `t2` AS (
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
)
SELECT
  CONCAT(
    CONCAT(
      CONCAT(
        'FY',
        CAST(IF(
          CAST(EXTRACT(month FROM `t7`.`period_start`) AS BIGINT) >= 4,
          CAST(EXTRACT(year FROM `t7`.`period_start`) AS BIGINT),
          CAST(EXTRACT(year FROM `t7`.`period_start`) AS BIGINT) - 1
        ) AS STRING)
      ),
      '-Q'
    ),
    CAST(CAST(FLOOR(
      (
        (
          (
            CAST(EXTRACT(month FROM `t7`.`period_start`) AS BIGINT) - 4
          ) + 12
        ) % 12
      ) / (
        3
      )
    ) AS BIGINT) + 1 AS STRING)
  ) AS `period`,
  `t7`.`period_start`,
  CAST((
    CAST(`t7`.`period_start` AS TIMESTAMP) + INTERVAL '3' MONTH
  ) - INTERVAL '1' DAY AS DATE) AS `period_end`,
  `t7`.`dimension_value`,
  `t7`.`num` / NULLIF(`t7`.`den`, 0.0) AS `value`,
  `t7`.`num` AS `numerator`,
  `t7`.`den` AS `denominator`,
  FALSE AS `maturing`
FROM (
  SELECT
    `t6`.`period_start`,
    `t6`.`dimension_value`,
    SUM(`t6`.`num`) AS `num`,
    SUM(`t6`.`den`) AS `den`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        MAKE_DATE(
          CAST(FLOOR(
            (
              (
                (
                  CAST(EXTRACT(year FROM CAST(`t3`.`strict_1` AS DATE)) AS BIGINT) * 12
                ) + (
                  CAST(EXTRACT(month FROM CAST(`t3`.`strict_1` AS DATE)) AS BIGINT) - 1
                )
              ) - (
                (
                  (
                    CAST(EXTRACT(month FROM CAST(`t3`.`strict_1` AS DATE)) AS BIGINT) - 4
                  ) + 12
                ) % 3
              )
            ) / (
              12
            )
          ) AS BIGINT),
          (
            (
              (
                (
                  CAST(EXTRACT(year FROM CAST(`t3`.`strict_1` AS DATE)) AS BIGINT) * 12
                ) + (
                  CAST(EXTRACT(month FROM CAST(`t3`.`strict_1` AS DATE)) AS BIGINT) - 1
                )
              ) - (
                (
                  (
                    CAST(EXTRACT(month FROM CAST(`t3`.`strict_1` AS DATE)) AS BIGINT) - 4
                  ) + 12
                ) % 3
              )
            ) % 12
          ) + 1,
          1
        ) AS `period_start`,
        '' AS `dimension_value`,
        0.0 AS `num`,
        1.0 AS `den`
      FROM `t2` AS `t3`
      WHERE
        `t3`.`strict_1` IS NOT NULL
    ) AS `t4`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        MAKE_DATE(
          CAST(FLOOR(
            (
              (
                (
                  CAST(EXTRACT(year FROM CAST(`t3`.`strict_2` AS DATE)) AS BIGINT) * 12
                ) + (
                  CAST(EXTRACT(month FROM CAST(`t3`.`strict_2` AS DATE)) AS BIGINT) - 1
                )
              ) - (
                (
                  (
                    CAST(EXTRACT(month FROM CAST(`t3`.`strict_2` AS DATE)) AS BIGINT) - 4
                  ) + 12
                ) % 3
              )
            ) / (
              12
            )
          ) AS BIGINT),
          (
            (
              (
                (
                  CAST(EXTRACT(year FROM CAST(`t3`.`strict_2` AS DATE)) AS BIGINT) * 12
                ) + (
                  CAST(EXTRACT(month FROM CAST(`t3`.`strict_2` AS DATE)) AS BIGINT) - 1
                )
              ) - (
                (
                  (
                    CAST(EXTRACT(month FROM CAST(`t3`.`strict_2` AS DATE)) AS BIGINT) - 4
                  ) + 12
                ) % 3
              )
            ) % 12
          ) + 1,
          1
        ) AS `period_start`,
        '' AS `dimension_value`,
        1.0 AS `num`,
        0.0 AS `den`
      FROM `t2` AS `t3`
      WHERE
        `t3`.`strict_2` IS NOT NULL
    ) AS `t5`
  ) AS `t6`
  GROUP BY
    1,
    2
) AS `t7`
ORDER BY
  `t7`.`period_start` ASC NULLS LAST,
  `t7`.`dimension_value` ASC NULLS LAST
