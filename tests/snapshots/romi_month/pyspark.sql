SELECT
  CONCAT(
    CONCAT(CAST(CAST(EXTRACT(year FROM `t5`.`period_start`) AS BIGINT) AS STRING), '-'),
    IF(
      CAST(EXTRACT(month FROM `t5`.`period_start`) AS BIGINT) < 10,
      CONCAT('0', CAST(CAST(EXTRACT(month FROM `t5`.`period_start`) AS BIGINT) AS STRING)),
      CAST(CAST(EXTRACT(month FROM `t5`.`period_start`) AS BIGINT) AS STRING)
    )
  ) AS `period`,
  `t5`.`period_start`,
  CAST((
    CAST(`t5`.`period_start` AS TIMESTAMP) + INTERVAL '1' MONTH
  ) - INTERVAL '1' DAY AS DATE) AS `period_end`,
  `t5`.`dimension_value`,
  (
    `t5`.`revenue` - `t5`.`cost`
  ) / NULLIF(`t5`.`cost`, 0.0) AS `value`,
  `t5`.`revenue` - `t5`.`cost` AS `numerator`,
  `t5`.`cost` AS `denominator`,
  FALSE AS `maturing`
FROM (
  SELECT
    `t4`.`period_start`,
    `t4`.`dimension_value`,
    SUM(`t4`.`cost`) AS `cost`,
    SUM(`t4`.`revenue`) AS `revenue`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        MAKE_DATE(
          CAST(EXTRACT(year FROM `t0`.`day`) AS BIGINT),
          CAST(EXTRACT(month FROM `t0`.`day`) AS BIGINT),
          1
        ) AS `period_start`,
        '' AS `dimension_value`,
        COALESCE(`t0`.`cost`, 0.0) AS `cost`,
        0.0 AS `revenue`
      FROM `spend` AS `t0`
    ) AS `t2`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        MAKE_DATE(
          CAST(EXTRACT(year FROM CAST(`t1`.`closed_at` AS DATE)) AS BIGINT),
          CAST(EXTRACT(month FROM CAST(`t1`.`closed_at` AS DATE)) AS BIGINT),
          1
        ) AS `period_start`,
        '' AS `dimension_value`,
        0.0 AS `cost`,
        COALESCE(`t1`.`amount`, 0.0) AS `revenue`
      FROM `deals` AS `t1`
      WHERE
        COALESCE(`t1`.`is_won`, FALSE)
        AND `t1`.`closed_at` IS NOT NULL
        AND `t1`.`deal_type` IN ('new')
    ) AS `t3`
  ) AS `t4`
  GROUP BY
    1,
    2
) AS `t5`
ORDER BY
  `t5`.`period_start` ASC NULLS LAST,
  `t5`.`dimension_value` ASC NULLS LAST
