SELECT
  CONCAT(
    CONCAT(
      CONCAT(
        'FY',
        CAST(IF(
          CAST(EXTRACT(month FROM `t1`.`period_start`) AS BIGINT) >= 1,
          CAST(EXTRACT(year FROM `t1`.`period_start`) AS BIGINT),
          CAST(EXTRACT(year FROM `t1`.`period_start`) AS BIGINT) - 1
        ) AS STRING)
      ),
      '-Q'
    ),
    CAST(CAST(FLOOR(
      (
        (
          (
            CAST(EXTRACT(month FROM `t1`.`period_start`) AS BIGINT) - 1
          ) + 12
        ) % 12
      ) / (
        3
      )
    ) AS BIGINT) + 1 AS STRING)
  ) AS `period`,
  `t1`.`period_start`,
  CAST((
    CAST(`t1`.`period_start` AS TIMESTAMP) + INTERVAL '3' MONTH
  ) - INTERVAL '1' DAY AS DATE) AS `period_end`,
  CAST(`t1`.`dimension_value` AS STRING) AS `dimension_value`,
  `t1`.`value`,
  `t1`.`numerator`,
  `t1`.`denominator`,
  `t1`.`maturing`
FROM (
  SELECT
    MAKE_DATE(
      CAST(FLOOR(
        (
          (
            CAST(SUBSTRING(`t0`.`period`, IF((
              2 + 1
            ) >= 1, 2 + 1, 2 + 1 + LENGTH(`t0`.`period`)), 4) AS BIGINT) * 12
          ) + 0 + (
            (
              CAST(SUBSTRING(`t0`.`period`, IF((
                8 + 1
              ) >= 1, 8 + 1, 8 + 1 + LENGTH(`t0`.`period`)), 1) AS BIGINT) - 1
            ) * 3
          )
        ) / (
          12
        )
      ) AS BIGINT),
      (
        (
          (
            CAST(SUBSTRING(`t0`.`period`, IF((
              2 + 1
            ) >= 1, 2 + 1, 2 + 1 + LENGTH(`t0`.`period`)), 4) AS BIGINT) * 12
          ) + 0 + (
            (
              CAST(SUBSTRING(`t0`.`period`, IF((
                8 + 1
              ) >= 1, 8 + 1, 8 + 1 + LENGTH(`t0`.`period`)), 1) AS BIGINT) - 1
            ) * 3
          )
        ) % 12
      ) + 1,
      1
    ) AS `period_start`,
    `t0`.`dimension_value`,
    CAST(`t0`.`value` AS DOUBLE) AS `value`,
    CAST(`t0`.`value` AS DOUBLE) AS `numerator`,
    CAST(NULL AS DOUBLE) AS `denominator`,
    FALSE AS `maturing`
  FROM `manual_values` AS `t0`
  WHERE
    `t0`.`node_id` = 'nps'
    AND `t0`.`dimension` = ''
    AND STARTSWITH(`t0`.`period`, 'FY')
    AND CONTAINS(`t0`.`period`, '-Q')
) AS `t1`
ORDER BY
  `t1`.`period_start` ASC NULLS LAST,
  CAST(`t1`.`dimension_value` AS STRING) ASC NULLS LAST
