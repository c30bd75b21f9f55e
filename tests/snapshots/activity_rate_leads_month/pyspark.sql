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
  CAST(`t9`.`num` AS DOUBLE) / NULLIF(CAST(`t9`.`den` AS DOUBLE), 0.0) AS `value`,
  CAST(`t9`.`num` AS DOUBLE) AS `numerator`,
  CAST(`t9`.`den` AS DOUBLE) AS `denominator`,
  FALSE AS `maturing`
FROM (
  SELECT
    `t8`.`period_start`,
    `t8`.`dimension_value`,
    COUNT(DISTINCT IF(`t8`.`activity_type` = 'email_open', `t8`.`person`, NULL)) AS `num`,
    COUNT(DISTINCT IF(`t8`.`activity_type` = 'email_delivered', `t8`.`person`, NULL)) AS `den`
  FROM (
    SELECT
      `t7`.`activity_key`,
      `t7`.`source_system`,
      `t7`.`source_id`,
      `t7`.`lead_key`,
      `t7`.`email`,
      `t7`.`occurred_at`,
      `t7`.`activity_type`,
      `t7`.`campaign`,
      `t7`.`channel`,
      `t7`.`detail`,
      `t7`.`quantity`,
      `t7`.`attributes`,
      `t7`.`content_hash`,
      `t7`.`import_id`,
      `t7`.`loaded_at`,
      `t7`.`segment`,
      IF((
        `t7`.`segment` IS NULL
      ) OR (
        `t7`.`segment` = ''
      ), '(none)', `t7`.`segment`) AS `dimension_value`,
      MAKE_DATE(
        CAST(EXTRACT(year FROM CAST(`t7`.`occurred_at` AS DATE)) AS BIGINT),
        CAST(EXTRACT(month FROM CAST(`t7`.`occurred_at` AS DATE)) AS BIGINT),
        1
      ) AS `period_start`,
      COALESCE(`t7`.`lead_key`, `t7`.`email`) AS `person`
    FROM (
      SELECT
        `t6`.`activity_key`,
        `t6`.`source_system`,
        `t6`.`source_id`,
        `t6`.`lead_key`,
        `t6`.`email`,
        `t6`.`occurred_at`,
        `t6`.`activity_type`,
        `t6`.`campaign`,
        `t6`.`channel`,
        `t6`.`detail`,
        `t6`.`quantity`,
        `t6`.`attributes`,
        `t6`.`content_hash`,
        `t6`.`import_id`,
        `t6`.`loaded_at`,
        `t6`.`segment`
      FROM (
        SELECT
          `t5`.`activity_key`,
          `t5`.`source_system`,
          `t5`.`source_id`,
          `t5`.`lead_key`,
          `t5`.`email`,
          `t5`.`occurred_at`,
          `t5`.`activity_type`,
          `t5`.`campaign`,
          `t5`.`channel`,
          `t5`.`detail`,
          `t5`.`quantity`,
          `t5`.`attributes`,
          `t5`.`content_hash`,
          `t5`.`import_id`,
          `t5`.`loaded_at`,
          `t4`.`_lead_key`,
          `t4`.`segment`
        FROM (
          SELECT
            *
          FROM `activities` AS `t0`
          WHERE
            `t0`.`activity_type` IN ('email_open', 'email_delivered')
        ) AS `t5`
        LEFT OUTER JOIN (
          SELECT
            `t1`.`lead_key` AS `_lead_key`,
            `t1`.`segment`
          FROM `leads` AS `t1`
        ) AS `t4`
          ON `t5`.`lead_key` = `t4`.`_lead_key`
      ) AS `t6`
    ) AS `t7`
  ) AS `t8`
  GROUP BY
    1,
    2
) AS `t9`
ORDER BY
  `t9`.`period_start` ASC NULLS LAST,
  `t9`.`dimension_value` ASC NULLS LAST
