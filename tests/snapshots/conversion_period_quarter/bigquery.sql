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
          CAST(EXTRACT(month FROM `t7`.`period_start`) AS INT64) >= 4,
          CAST(EXTRACT(year FROM `t7`.`period_start`) AS INT64),
          CAST(EXTRACT(year FROM `t7`.`period_start`) AS INT64) - 1
        ) AS STRING)
      ),
      '-Q'
    ),
    CAST(CAST(FLOOR(
      ieee_divide(MOD((
        CAST(EXTRACT(month FROM `t7`.`period_start`) AS INT64) - 4
      ) + 12, 12), 3)
    ) AS INT64) + 1 AS STRING)
  ) AS `period`,
  `t7`.`period_start`,
  DATE(
    TIMESTAMP_SUB(
      TIMESTAMP_ADD(CAST(`t7`.`period_start` AS DATETIME), INTERVAL '3' MONTH),
      INTERVAL '1' DAY
    )
  ) AS `period_end`,
  `t7`.`dimension_value`,
  ieee_divide(`t7`.`num`, NULLIF(`t7`.`den`, 0.0)) AS `value`,
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
        DATE(
          CAST(FLOOR(
            ieee_divide(
              (
                (
                  CAST(EXTRACT(year FROM DATE(`t3`.`strict_1`)) AS INT64) * 12
                ) + (
                  CAST(EXTRACT(month FROM DATE(`t3`.`strict_1`)) AS INT64) - 1
                )
              ) - (
                MOD((
                  CAST(EXTRACT(month FROM DATE(`t3`.`strict_1`)) AS INT64) - 4
                ) + 12, 3)
              ),
              12
            )
          ) AS INT64),
          (
            MOD(
              (
                (
                  CAST(EXTRACT(year FROM DATE(`t3`.`strict_1`)) AS INT64) * 12
                ) + (
                  CAST(EXTRACT(month FROM DATE(`t3`.`strict_1`)) AS INT64) - 1
                )
              ) - (
                MOD((
                  CAST(EXTRACT(month FROM DATE(`t3`.`strict_1`)) AS INT64) - 4
                ) + 12, 3)
              ),
              12
            )
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
        DATE(
          CAST(FLOOR(
            ieee_divide(
              (
                (
                  CAST(EXTRACT(year FROM DATE(`t3`.`strict_2`)) AS INT64) * 12
                ) + (
                  CAST(EXTRACT(month FROM DATE(`t3`.`strict_2`)) AS INT64) - 1
                )
              ) - (
                MOD((
                  CAST(EXTRACT(month FROM DATE(`t3`.`strict_2`)) AS INT64) - 4
                ) + 12, 3)
              ),
              12
            )
          ) AS INT64),
          (
            MOD(
              (
                (
                  CAST(EXTRACT(year FROM DATE(`t3`.`strict_2`)) AS INT64) * 12
                ) + (
                  CAST(EXTRACT(month FROM DATE(`t3`.`strict_2`)) AS INT64) - 1
                )
              ) - (
                MOD((
                  CAST(EXTRACT(month FROM DATE(`t3`.`strict_2`)) AS INT64) - 4
                ) + 12, 3)
              ),
              12
            )
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
