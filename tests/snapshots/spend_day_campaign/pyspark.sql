SELECT
  CONCAT(
    CONCAT(
      CONCAT(
        CONCAT(
          CAST(CAST(EXTRACT(year FROM CAST(`t2`.`period_start` AS DATE)) AS BIGINT) AS STRING),
          '-'
        ),
        IF(
          CAST(EXTRACT(month FROM CAST(`t2`.`period_start` AS DATE)) AS BIGINT) < 10,
          CONCAT(
            '0',
            CAST(CAST(EXTRACT(month FROM CAST(`t2`.`period_start` AS DATE)) AS BIGINT) AS STRING)
          ),
          CAST(CAST(EXTRACT(month FROM CAST(`t2`.`period_start` AS DATE)) AS BIGINT) AS STRING)
        )
      ),
      '-'
    ),
    IF(
      CAST(EXTRACT(day FROM CAST(`t2`.`period_start` AS DATE)) AS BIGINT) < 10,
      CONCAT(
        '0',
        CAST(CAST(EXTRACT(day FROM CAST(`t2`.`period_start` AS DATE)) AS BIGINT) AS STRING)
      ),
      CAST(CAST(EXTRACT(day FROM CAST(`t2`.`period_start` AS DATE)) AS BIGINT) AS STRING)
    )
  ) AS `period`,
  CAST(`t2`.`period_start` AS DATE) AS `period_start`,
  CAST(`t2`.`period_start` AS DATE) AS `period_end`,
  `t2`.`dimension_value`,
  COALESCE(`t2`.`total`, 0) AS `value`,
  COALESCE(`t2`.`total`, 0) AS `numerator`,
  CAST(NULL AS DOUBLE) AS `denominator`,
  FALSE AS `maturing`
FROM (
  SELECT
    `t1`.`period_start`,
    `t1`.`dimension_value`,
    SUM(`t1`.`cost`) AS `total`
  FROM (
    SELECT
      `t0`.`spend_key`,
      `t0`.`source_system`,
      `t0`.`day`,
      `t0`.`channel`,
      `t0`.`campaign`,
      `t0`.`ad_group`,
      `t0`.`cost`,
      `t0`.`currency`,
      `t0`.`impressions`,
      `t0`.`clicks`,
      `t0`.`conversions`,
      `t0`.`attributes`,
      `t0`.`content_hash`,
      `t0`.`import_id`,
      `t0`.`loaded_at`,
      IF(
        (
          `t0`.`campaign` IS NULL
        ) OR (
          `t0`.`campaign` = ''
        ),
        '(none)',
        `t0`.`campaign`
      ) AS `dimension_value`,
      `t0`.`day` AS `period_start`
    FROM `spend` AS `t0`
  ) AS `t1`
  GROUP BY
    1,
    2
) AS `t2`
ORDER BY
  CAST(`t2`.`period_start` AS DATE) ASC NULLS LAST,
  `t2`.`dimension_value` ASC NULLS LAST
