SELECT
  CONCAT(
    CONCAT(CAST(CAST(EXTRACT(year FROM `t9`.`period_start`) AS BIGINT) AS STRING), '-'),
    IF(
      CAST(EXTRACT(month FROM `t9`.`period_start`) AS BIGINT) < 10,
      CONCAT('0', CAST(CAST(EXTRACT(month FROM `t9`.`period_start`) AS BIGINT) AS STRING)),
      CAST(CAST(EXTRACT(month FROM `t9`.`period_start`) AS BIGINT) AS STRING)
    )
  ) AS `period`,
  `t9`.`period_start`,
  CAST((
    CAST(`t9`.`period_start` AS TIMESTAMP) + INTERVAL '1' MONTH
  ) - INTERVAL '1' DAY AS DATE) AS `period_end`,
  `t9`.`dimension_value`,
  CAST(`t9`.`n` AS DOUBLE) AS `value`,
  CAST(`t9`.`n` AS DOUBLE) AS `numerator`,
  CAST(NULL AS DOUBLE) AS `denominator`,
  FALSE AS `maturing`
FROM (
  SELECT
    `t8`.`period_start`,
    `t8`.`dimension_value`,
    COUNT(*) AS `n`
  FROM (
    SELECT
      `t7`.`lead_key`,
      `t7`.`inferred_1`,
      `t7`.`channel`,
      IF((
        `t7`.`channel` IS NULL
      ) OR (
        `t7`.`channel` = ''
      ), '(none)', `t7`.`channel`) AS `dimension_value`,
      MAKE_DATE(
        CAST(EXTRACT(year FROM CAST(`t7`.`inferred_1` AS DATE)) AS BIGINT),
        CAST(EXTRACT(month FROM CAST(`t7`.`inferred_1` AS DATE)) AS BIGINT),
        1
      ) AS `period_start`
    FROM (
      SELECT
        `t6`.`lead_key`,
        `t6`.`inferred_1`,
        `t4`.`_lead_key`,
        `t4`.`channel`
      FROM (
        SELECT
          `t3`.`lead_key`,
          MIN(
            IF(`t3`.`stage` IN ('mql', 'sql', 'opportunity', 'customer'), `t3`.`entered_at`, NULL)
          ) AS `inferred_1`
        FROM (
          SELECT
            *
          FROM `lead_stages` AS `t0`
          WHERE
            `t0`.`stage` IN ('customer', 'mql', 'opportunity', 'sql')
        ) AS `t3`
        GROUP BY
          1
      ) AS `t6`
      LEFT OUTER JOIN (
        SELECT
          `t1`.`lead_key` AS `_lead_key`,
          `t1`.`channel`
        FROM `leads` AS `t1`
      ) AS `t4`
        ON `t6`.`lead_key` = `t4`.`_lead_key`
    ) AS `t7`
    WHERE
      `t7`.`inferred_1` IS NOT NULL
  ) AS `t8`
  GROUP BY
    1,
    2
) AS `t9`
ORDER BY
  `t9`.`period_start` ASC NULLS LAST,
  `t9`.`dimension_value` ASC NULLS LAST
