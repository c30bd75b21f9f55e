SELECT
  CONCAT(
    CONCAT(CAST(CAST(EXTRACT(year FROM `t2`.`period_start`) AS BIGINT) AS STRING), '-'),
    IF(
      CAST(EXTRACT(month FROM `t2`.`period_start`) AS BIGINT) < 10,
      CONCAT('0', CAST(CAST(EXTRACT(month FROM `t2`.`period_start`) AS BIGINT) AS STRING)),
      CAST(CAST(EXTRACT(month FROM `t2`.`period_start`) AS BIGINT) AS STRING)
    )
  ) AS `period`,
  `t2`.`period_start`,
  CAST((
    CAST(`t2`.`period_start` AS TIMESTAMP) + INTERVAL '1' MONTH
  ) - INTERVAL '1' DAY AS DATE) AS `period_end`,
  `t2`.`dimension_value`,
  CAST(`t2`.`n` AS DOUBLE) AS `value`,
  CAST(`t2`.`n` AS DOUBLE) AS `numerator`,
  CAST(NULL AS DOUBLE) AS `denominator`,
  FALSE AS `maturing`
FROM (
  SELECT
    `t1`.`period_start`,
    `t1`.`dimension_value`,
    COUNT(*) AS `n`
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
      '' AS `dimension_value`,
      MAKE_DATE(
        CAST(EXTRACT(year FROM CAST(`t0`.`closed_at` AS DATE)) AS BIGINT),
        CAST(EXTRACT(month FROM CAST(`t0`.`closed_at` AS DATE)) AS BIGINT),
        1
      ) AS `period_start`
    FROM `deals` AS `t0`
    WHERE
      COALESCE(`t0`.`is_won`, FALSE)
      AND `t0`.`closed_at` IS NOT NULL
      AND `t0`.`amount` > 0.0
      AND `t0`.`amount` < 50000000.0
      AND (
        (
          `t0`.`channel` IS NULL
        )
        OR (
          `t0`.`channel` = ''
        )
        OR NOT (
          `t0`.`channel` IN ('test')
        )
      )
      AND NOT (
        (
          `t0`.`channel` IS NULL
        ) OR (
          `t0`.`channel` = ''
        )
      )
      AND `t0`.`closed_at` < CAST('2026-06-01T00:00:00' AS TIMESTAMP)
  ) AS `t1`
  GROUP BY
    1,
    2
) AS `t2`
ORDER BY
  `t2`.`period_start` ASC NULLS LAST,
  `t2`.`dimension_value` ASC NULLS LAST
