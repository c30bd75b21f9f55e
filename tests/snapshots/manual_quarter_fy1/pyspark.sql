SELECT
  CONCAT(
    CONCAT(
      CONCAT(
        'FY',
        CAST(IF(
          CAST(EXTRACT(month FROM `t10`.`period_start`) AS BIGINT) >= 1,
          CAST(EXTRACT(year FROM `t10`.`period_start`) AS BIGINT),
          CAST(EXTRACT(year FROM `t10`.`period_start`) AS BIGINT) - 1
        ) AS STRING)
      ),
      '-Q'
    ),
    CAST(CAST(FLOOR(
      (
        (
          (
            CAST(EXTRACT(month FROM `t10`.`period_start`) AS BIGINT) - 1
          ) + 12
        ) % 12
      ) / (
        3
      )
    ) AS BIGINT) + 1 AS STRING)
  ) AS `period`,
  `t10`.`period_start`,
  CAST((
    CAST(`t10`.`period_start` AS TIMESTAMP) + INTERVAL '3' MONTH
  ) - INTERVAL '1' DAY AS DATE) AS `period_end`,
  `t10`.`dimension_value`,
  `t10`.`value`,
  `t10`.`value` AS `numerator`,
  CAST(NULL AS DOUBLE) AS `denominator`,
  FALSE AS `maturing`
FROM (
  SELECT
    *
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
      CAST(`t0`.`dimension_value` AS STRING) AS `dimension_value`,
      CAST(`t0`.`value` AS DOUBLE) AS `value`
    FROM `manual_values` AS `t0`
    WHERE
      `t0`.`node_id` = 'nps'
      AND `t0`.`dimension` = ''
      AND STARTSWITH(`t0`.`period`, 'FY')
      AND CONTAINS(`t0`.`period`, '-Q')
  ) AS `t2`
  UNION ALL
  SELECT
    *
  FROM (
    SELECT
      `t8`.`period_start`,
      `t8`.`dimension_value`,
      `t8`.`value`
    FROM (
      SELECT
        `t6`.`block` AS `period_start`,
        `t6`.`dimension_value`,
        `t6`.`value`
      FROM (
        SELECT
          `t5`.`block`,
          `t5`.`dimension_value`,
          AVG(`t5`.`value`) AS `value`
        FROM (
          SELECT
            `t1`.`period_start`,
            `t1`.`dimension_value`,
            `t1`.`value`,
            MAKE_DATE(
              CAST(FLOOR(
                (
                  (
                    (
                      CAST(EXTRACT(year FROM `t1`.`period_start`) AS BIGINT) * 12
                    ) + (
                      CAST(EXTRACT(month FROM `t1`.`period_start`) AS BIGINT) - 1
                    )
                  ) - (
                    (
                      (
                        CAST(EXTRACT(month FROM `t1`.`period_start`) AS BIGINT) - 1
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
                      CAST(EXTRACT(year FROM `t1`.`period_start`) AS BIGINT) * 12
                    ) + (
                      CAST(EXTRACT(month FROM `t1`.`period_start`) AS BIGINT) - 1
                    )
                  ) - (
                    (
                      (
                        CAST(EXTRACT(month FROM `t1`.`period_start`) AS BIGINT) - 1
                      ) + 12
                    ) % 3
                  )
                ) % 12
              ) + 1,
              1
            ) AS `block`
          FROM (
            SELECT
              MAKE_DATE(
                CAST(SUBSTRING(`t0`.`period`, IF((
                  0 + 1
                ) >= 1, 0 + 1, 0 + 1 + LENGTH(`t0`.`period`)), 4) AS BIGINT),
                CAST(SUBSTRING(`t0`.`period`, IF((
                  5 + 1
                ) >= 1, 5 + 1, 5 + 1 + LENGTH(`t0`.`period`)), 2) AS BIGINT),
                1
              ) AS `period_start`,
              CAST(`t0`.`dimension_value` AS STRING) AS `dimension_value`,
              CAST(`t0`.`value` AS DOUBLE) AS `value`
            FROM `manual_values` AS `t0`
            WHERE
              `t0`.`node_id` = 'nps'
              AND `t0`.`dimension` = ''
              AND NOT (
                STARTSWITH(`t0`.`period`, 'FY')
              )
              AND LENGTH(`t0`.`period`) = 7
          ) AS `t1`
        ) AS `t5`
        GROUP BY
          1,
          2
      ) AS `t6`
    ) AS `t8`
    LEFT ANTI JOIN (
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
        ) AS `own_start`,
        CAST(`t0`.`dimension_value` AS STRING) AS `own_value`
      FROM `manual_values` AS `t0`
      WHERE
        `t0`.`node_id` = 'nps'
        AND `t0`.`dimension` = ''
        AND STARTSWITH(`t0`.`period`, 'FY')
        AND CONTAINS(`t0`.`period`, '-Q')
    ) AS `t4`
      ON `t8`.`period_start` = `t4`.`own_start`
      AND `t8`.`dimension_value` = `t4`.`own_value`
  ) AS `t9`
) AS `t10`
ORDER BY
  `t10`.`period_start` ASC NULLS LAST,
  `t10`.`dimension_value` ASC NULLS LAST
