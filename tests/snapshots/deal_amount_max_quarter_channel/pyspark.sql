SELECT
  CONCAT(
    CONCAT(
      CONCAT(
        'FY',
        CAST(IF(
          CAST(EXTRACT(month FROM `t2`.`period_start`) AS BIGINT) >= 4,
          CAST(EXTRACT(year FROM `t2`.`period_start`) AS BIGINT),
          CAST(EXTRACT(year FROM `t2`.`period_start`) AS BIGINT) - 1
        ) AS STRING)
      ),
      '-Q'
    ),
    CAST(CAST(FLOOR(
      (
        (
          (
            CAST(EXTRACT(month FROM `t2`.`period_start`) AS BIGINT) - 4
          ) + 12
        ) % 12
      ) / (
        3
      )
    ) AS BIGINT) + 1 AS STRING)
  ) AS `period`,
  `t2`.`period_start`,
  CAST((
    CAST(`t2`.`period_start` AS TIMESTAMP) + INTERVAL '3' MONTH
  ) - INTERVAL '1' DAY AS DATE) AS `period_end`,
  `t2`.`dimension_value`,
  `t2`.`high` AS `value`,
  `t2`.`total` AS `numerator`,
  CAST(`t2`.`n` AS DOUBLE) AS `denominator`,
  FALSE AS `maturing`
FROM (
  SELECT
    `t1`.`period_start`,
    `t1`.`dimension_value`,
    SUM(`t1`.`amount`) AS `total`,
    COUNT(`t1`.`amount`) AS `n`,
    MIN(`t1`.`amount`) AS `low`,
    MAX(`t1`.`amount`) AS `high`
  FROM (
    SELECT
      `t0`.`deal_key`,
      `t0`.`source_system`,
      `t0`.`source_id`,
      `t0`.`lead_key`,
      `t0`.`account_key`,
      `t0`.`name`,
      `t0`.`deal_type`,
      `t0`.`stage`,
      `t0`.`pipeline`,
      `t0`.`amount`,
      `t0`.`currency`,
      `t0`.`created_at`,
      `t0`.`closed_at`,
      `t0`.`is_closed`,
      `t0`.`is_won`,
      `t0`.`owner`,
      `t0`.`manager`,
      `t0`.`region`,
      `t0`.`department`,
      `t0`.`channel`,
      `t0`.`campaign`,
      `t0`.`segment`,
      `t0`.`industry`,
      `t0`.`employees`,
      `t0`.`attributes`,
      `t0`.`content_hash`,
      `t0`.`import_id`,
      `t0`.`loaded_at`,
      IF((
        `t0`.`channel` IS NULL
      ) OR (
        `t0`.`channel` = ''
      ), '(none)', `t0`.`channel`) AS `dimension_value`,
      MAKE_DATE(
        CAST(FLOOR(
          (
            (
              (
                CAST(EXTRACT(year FROM CAST(`t0`.`closed_at` AS DATE)) AS BIGINT) * 12
              ) + (
                CAST(EXTRACT(month FROM CAST(`t0`.`closed_at` AS DATE)) AS BIGINT) - 1
              )
            ) - (
              (
                (
                  CAST(EXTRACT(month FROM CAST(`t0`.`closed_at` AS DATE)) AS BIGINT) - 4
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
                CAST(EXTRACT(year FROM CAST(`t0`.`closed_at` AS DATE)) AS BIGINT) * 12
              ) + (
                CAST(EXTRACT(month FROM CAST(`t0`.`closed_at` AS DATE)) AS BIGINT) - 1
              )
            ) - (
              (
                (
                  CAST(EXTRACT(month FROM CAST(`t0`.`closed_at` AS DATE)) AS BIGINT) - 4
                ) + 12
              ) % 3
            )
          ) % 12
        ) + 1,
        1
      ) AS `period_start`
    FROM `deals` AS `t0`
    WHERE
      COALESCE(`t0`.`is_won`, FALSE)
      AND `t0`.`closed_at` IS NOT NULL
      AND (
        `t0`.`amount` IS NOT NULL AND NOT ISNAN(`t0`.`amount`)
      )
  ) AS `t1`
  GROUP BY
    1,
    2
) AS `t2`
ORDER BY
  `t2`.`period_start` ASC NULLS LAST,
  `t2`.`dimension_value` ASC NULLS LAST
