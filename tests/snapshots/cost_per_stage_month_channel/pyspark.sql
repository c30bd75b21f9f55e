SELECT
  CONCAT(
    CONCAT(CAST(CAST(EXTRACT(year FROM `t12`.`period_start`) AS BIGINT) AS STRING), '-'),
    IF(
      CAST(EXTRACT(month FROM `t12`.`period_start`) AS BIGINT) < 10,
      CONCAT('0', CAST(CAST(EXTRACT(month FROM `t12`.`period_start`) AS BIGINT) AS STRING)),
      CAST(CAST(EXTRACT(month FROM `t12`.`period_start`) AS BIGINT) AS STRING)
    )
  ) AS `period`,
  `t12`.`period_start`,
  CAST((
    CAST(`t12`.`period_start` AS TIMESTAMP) + INTERVAL '1' MONTH
  ) - INTERVAL '1' DAY AS DATE) AS `period_end`,
  `t12`.`dimension_value`,
  `t12`.`cost` / NULLIF(`t12`.`n`, 0.0) AS `value`,
  `t12`.`cost` AS `numerator`,
  `t12`.`n` AS `denominator`,
  FALSE AS `maturing`
FROM (
  SELECT
    `t11`.`period_start`,
    `t11`.`dimension_value`,
    SUM(`t11`.`cost`) AS `cost`,
    SUM(`t11`.`n`) AS `n`
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
        IF((
          `t0`.`channel` IS NULL
        ) OR (
          `t0`.`channel` = ''
        ), '(none)', `t0`.`channel`) AS `dimension_value`,
        COALESCE(`t0`.`cost`, 0.0) AS `cost`,
        0.0 AS `n`
      FROM `spend` AS `t0`
    ) AS `t6`
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        MAKE_DATE(
          CAST(EXTRACT(year FROM CAST(`t9`.`strict_1` AS DATE)) AS BIGINT),
          CAST(EXTRACT(month FROM CAST(`t9`.`strict_1` AS DATE)) AS BIGINT),
          1
        ) AS `period_start`,
        IF((
          `t9`.`channel` IS NULL
        ) OR (
          `t9`.`channel` = ''
        ), '(none)', `t9`.`channel`) AS `dimension_value`,
        CAST(NULL AS DOUBLE) AS `cost`,
        1.0 AS `n`
      FROM (
        SELECT
          `t8`.`lead_key`,
          `t8`.`strict_1`,
          `t5`.`_lead_key`,
          `t5`.`channel`
        FROM (
          SELECT
            `t4`.`lead_key`,
            MIN(IF(`t4`.`stage` = 'mql', `t4`.`entered_at`, NULL)) AS `strict_1`
          FROM (
            SELECT
              *
            FROM `lead_stages` AS `t1`
            WHERE
              `t1`.`stage` IN ('mql')
          ) AS `t4`
          GROUP BY
            1
        ) AS `t8`
        LEFT OUTER JOIN (
          SELECT
            `t2`.`lead_key` AS `_lead_key`,
            `t2`.`channel`
          FROM `leads` AS `t2`
        ) AS `t5`
          ON `t8`.`lead_key` = `t5`.`_lead_key`
      ) AS `t9`
      WHERE
        `t9`.`strict_1` IS NOT NULL
    ) AS `t10`
  ) AS `t11`
  GROUP BY
    1,
    2
) AS `t12`
ORDER BY
  `t12`.`period_start` ASC NULLS LAST,
  `t12`.`dimension_value` ASC NULLS LAST
