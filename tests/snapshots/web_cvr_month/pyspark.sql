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
  `t2`.`num` / NULLIF(CAST(`t2`.`den` AS DOUBLE), 0.0) AS `value`,
  `t2`.`num` AS `numerator`,
  CAST(`t2`.`den` AS DOUBLE) AS `denominator`,
  FALSE AS `maturing`
FROM (
  SELECT
    `t1`.`period_start`,
    `t1`.`dimension_value`,
    COALESCE(SUM(`t1`.`conversions`), 0.0) AS `num`,
    COALESCE(SUM(`t1`.`sessions`), 0) AS `den`
  FROM (
    SELECT
      `t0`.`traffic_key`,
      `t0`.`source_system`,
      `t0`.`day`,
      `t0`.`channel`,
      `t0`.`source_medium`,
      `t0`.`landing_page`,
      `t0`.`sessions`,
      `t0`.`users`,
      `t0`.`page_views`,
      `t0`.`conversions`,
      `t0`.`attributes`,
      `t0`.`content_hash`,
      `t0`.`import_id`,
      `t0`.`loaded_at`,
      '' AS `dimension_value`,
      MAKE_DATE(
        CAST(EXTRACT(year FROM `t0`.`day`) AS BIGINT),
        CAST(EXTRACT(month FROM `t0`.`day`) AS BIGINT),
        1
      ) AS `period_start`
    FROM `web_traffic` AS `t0`
  ) AS `t1`
  GROUP BY
    1,
    2
) AS `t2`
ORDER BY
  `t2`.`period_start` ASC NULLS LAST,
  `t2`.`dimension_value` ASC NULLS LAST
