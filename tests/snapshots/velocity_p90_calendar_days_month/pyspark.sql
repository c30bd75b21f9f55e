SELECT
  CONCAT(
    CONCAT(CAST(CAST(EXTRACT(year FROM `t7`.`period_start`) AS BIGINT) AS STRING), '-'),
    IF(
      CAST(EXTRACT(month FROM `t7`.`period_start`) AS BIGINT) < 10,
      CONCAT('0', CAST(CAST(EXTRACT(month FROM `t7`.`period_start`) AS BIGINT) AS STRING)),
      CAST(CAST(EXTRACT(month FROM `t7`.`period_start`) AS BIGINT) AS STRING)
    )
  ) AS `period`,
  `t7`.`period_start`,
  CAST((
    CAST(`t7`.`period_start` AS TIMESTAMP) + INTERVAL '1' MONTH
  ) - INTERVAL '1' DAY AS DATE) AS `period_end`,
  `t7`.`dimension_value`,
  `t7`.`x_low` + (
    (
      `t7`.`h` - CAST(`t7`.`low` AS DOUBLE)
    ) * (
      `t7`.`x_high` - `t7`.`x_low`
    )
  ) AS `value`,
  `t7`.`total` AS `numerator`,
  CAST(`t7`.`n` AS DOUBLE) AS `denominator`,
  FALSE AS `maturing`
FROM (
  SELECT
    `t6`.`period_start`,
    `t6`.`dimension_value`,
    MIN(`t6`.`_x`) AS `x_low`,
    MAX(`t6`.`_x`) AS `x_high`,
    MAX(`t6`.`h`) AS `h`,
    MAX(`t6`.`low`) AS `low`,
    MAX(`t6`.`total`) AS `total`,
    MAX(`t6`.`n`) AS `n`
  FROM (
    SELECT
      `t5`.`lead_key`,
      `t5`.`strict_1`,
      `t5`.`strict_2`,
      `t5`.`dimension_value`,
      `t5`.`period_start`,
      `t5`.`days`,
      `t5`.`_x`,
      `t5`.`rank`,
      `t5`.`n`,
      `t5`.`total`,
      CAST(`t5`.`n` - 1 AS DOUBLE) * 0.9 AS `h`,
      CAST(FLOOR(CAST(`t5`.`n` - 1 AS DOUBLE) * 0.9) AS BIGINT) AS `low`,
      CAST(CEIL(CAST(`t5`.`n` - 1 AS DOUBLE) * 0.9) AS BIGINT) AS `high`
    FROM (
      SELECT
        `t4`.`lead_key`,
        `t4`.`strict_1`,
        `t4`.`strict_2`,
        `t4`.`dimension_value`,
        `t4`.`period_start`,
        `t4`.`days`,
        `t4`.`_x`,
        ROW_NUMBER() OVER (
          PARTITION BY `t4`.`period_start`, `t4`.`dimension_value`
          ORDER BY `t4`.`_x` ASC NULLS LAST
        ) - 1 AS `rank`,
        COUNT(`t4`.`_x`) OVER (
          PARTITION BY `t4`.`period_start`, `t4`.`dimension_value`
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS `n`,
        SUM(`t4`.`_x`) OVER (
          PARTITION BY `t4`.`period_start`, `t4`.`dimension_value`
          ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING
        ) AS `total`
      FROM (
        SELECT
          `t3`.`lead_key`,
          `t3`.`strict_1`,
          `t3`.`strict_2`,
          `t3`.`dimension_value`,
          `t3`.`period_start`,
          `t3`.`days`,
          `t3`.`days` AS `_x`
        FROM (
          SELECT
            `t2`.`lead_key`,
            `t2`.`strict_1`,
            `t2`.`strict_2`,
            '' AS `dimension_value`,
            MAKE_DATE(
              CAST(EXTRACT(year FROM CAST(`t2`.`strict_2` AS DATE)) AS BIGINT),
              CAST(EXTRACT(month FROM CAST(`t2`.`strict_2` AS DATE)) AS BIGINT),
              1
            ) AS `period_start`,
            CAST(UNIX_TIMESTAMP(CAST(CAST(`t2`.`strict_2` AS DATE) AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(CAST(`t2`.`strict_1` AS DATE) AS TIMESTAMP)) AS DOUBLE) / 86400 AS `days`
          FROM (
            SELECT
              `t1`.`lead_key`,
              MIN(IF(`t1`.`stage` = 'mql', `t1`.`entered_at`, NULL)) AS `strict_1`,
              MIN(IF(`t1`.`stage` = 'sql', `t1`.`entered_at`, NULL)) AS `strict_2`
            FROM (
              SELECT
                *
              FROM `lead_stages` AS `t0`
              WHERE
                `t0`.`stage` IN ('mql', 'sql')
            ) AS `t1`
            GROUP BY
              1
          ) AS `t2`
          WHERE
            `t2`.`strict_1` IS NOT NULL
            AND `t2`.`strict_2` IS NOT NULL
            AND `t2`.`strict_2` >= `t2`.`strict_1`
        ) AS `t3`
        WHERE
          `t3`.`days` IS NOT NULL AND NOT ISNAN(`t3`.`days`)
      ) AS `t4`
    ) AS `t5`
    WHERE
      (
        `t5`.`rank` = CAST(FLOOR(CAST(`t5`.`n` - 1 AS DOUBLE) * 0.9) AS BIGINT)
      )
      OR (
        `t5`.`rank` = CAST(CEIL(CAST(`t5`.`n` - 1 AS DOUBLE) * 0.9) AS BIGINT)
      )
  ) AS `t6`
  GROUP BY
    1,
    2
) AS `t7`
ORDER BY
  `t7`.`period_start` ASC NULLS LAST,
  `t7`.`dimension_value` ASC NULLS LAST
