SELECT
  CONCAT(
    CONCAT(CAST(CAST(EXTRACT(year FROM `t10`.`period_start`) AS BIGINT) AS STRING), '-'),
    IF(
      CAST(EXTRACT(month FROM `t10`.`period_start`) AS BIGINT) < 10,
      CONCAT('0', CAST(CAST(EXTRACT(month FROM `t10`.`period_start`) AS BIGINT) AS STRING)),
      CAST(CAST(EXTRACT(month FROM `t10`.`period_start`) AS BIGINT) AS STRING)
    )
  ) AS `period`,
  `t10`.`period_start`,
  CAST((
    CAST(`t10`.`period_start` AS TIMESTAMP) + INTERVAL '1' MONTH
  ) - INTERVAL '1' DAY AS DATE) AS `period_end`,
  `t10`.`dimension_value`,
  CAST(`t10`.`num` AS DOUBLE) / NULLIF(CAST(`t10`.`den` AS DOUBLE), 0.0) AS `value`,
  CAST(`t10`.`num` AS DOUBLE) AS `numerator`,
  CAST(`t10`.`den` AS DOUBLE) AS `denominator`,
  CAST(CAST(CAST((
    CAST(`t10`.`period_start` AS TIMESTAMP) + INTERVAL '1' MONTH
  ) - INTERVAL '1' DAY AS DATE) AS TIMESTAMP) + INTERVAL '30' DAY AS DATE) > MAKE_DATE(2026, 5, 31) AS `maturing`
FROM (
  SELECT
    `t9`.`period_start`,
    `t9`.`dimension_value`,
    SUM(`t9`.`hit`) AS `num`,
    COUNT(*) AS `den`
  FROM (
    SELECT
      `t8`.`lead_key`,
      `t8`.`strict_1`,
      `t8`.`strict_2`,
      `t8`.`channel`,
      '' AS `dimension_value`,
      MAKE_DATE(
        CAST(EXTRACT(year FROM CAST(`t8`.`strict_1` AS DATE)) AS BIGINT),
        CAST(EXTRACT(month FROM CAST(`t8`.`strict_1` AS DATE)) AS BIGINT),
        1
      ) AS `period_start`,
      IF(
        (
          `t8`.`strict_2` IS NOT NULL
        )
        AND (
          `t8`.`strict_2` <= (
            `t8`.`strict_1` + INTERVAL '30' DAY
          )
        )
        AND (
          `t8`.`strict_2` < (
            CAST('2026-05-31T00:00:00' AS TIMESTAMP) + INTERVAL '1' DAY
          )
        ),
        1,
        0
      ) AS `hit`
    FROM (
      SELECT
        `t7`.`lead_key`,
        `t7`.`strict_1`,
        `t7`.`strict_2`,
        `t7`.`channel`
      FROM (
        SELECT
          `t6`.`lead_key`,
          `t6`.`strict_1`,
          `t6`.`strict_2`,
          `t4`.`_lead_key`,
          `t4`.`channel`
        FROM (
          SELECT
            `t3`.`lead_key`,
            MIN(IF(`t3`.`stage` = 'mql', `t3`.`entered_at`, NULL)) AS `strict_1`,
            MIN(IF(`t3`.`stage` = 'sql', `t3`.`entered_at`, NULL)) AS `strict_2`
          FROM (
            SELECT
              *
            FROM `lead_stages` AS `t0`
            WHERE
              `t0`.`stage` IN ('mql', 'sql')
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
    ) AS `t8`
    WHERE
      `t8`.`channel` IN ('paid_search', 'display') AND `t8`.`strict_1` IS NOT NULL
  ) AS `t9`
  GROUP BY
    1,
    2
) AS `t10`
ORDER BY
  `t10`.`period_start` ASC NULLS LAST,
  `t10`.`dimension_value` ASC NULLS LAST
