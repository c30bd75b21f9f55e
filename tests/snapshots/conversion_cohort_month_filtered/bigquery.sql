SELECT
  CONCAT(
    CONCAT(CAST(CAST(EXTRACT(year FROM `t10`.`period_start`) AS INT64) AS STRING), '-'),
    IF(
      CAST(EXTRACT(month FROM `t10`.`period_start`) AS INT64) < 10,
      CONCAT('0', CAST(CAST(EXTRACT(month FROM `t10`.`period_start`) AS INT64) AS STRING)),
      CAST(CAST(EXTRACT(month FROM `t10`.`period_start`) AS INT64) AS STRING)
    )
  ) AS `period`,
  `t10`.`period_start`,
  DATE(
    TIMESTAMP_SUB(
      TIMESTAMP_ADD(CAST(`t10`.`period_start` AS DATETIME), INTERVAL '1' MONTH),
      INTERVAL '1' DAY
    )
  ) AS `period_end`,
  `t10`.`dimension_value`,
  ieee_divide(CAST(`t10`.`num` AS FLOAT64), NULLIF(CAST(`t10`.`den` AS FLOAT64), 0.0)) AS `value`,
  CAST(`t10`.`num` AS FLOAT64) AS `numerator`,
  CAST(`t10`.`den` AS FLOAT64) AS `denominator`,
  DATE(
    TIMESTAMP_ADD(
      CAST(DATE(
        TIMESTAMP_SUB(
          TIMESTAMP_ADD(CAST(`t10`.`period_start` AS DATETIME), INTERVAL '1' MONTH),
          INTERVAL '1' DAY
        )
      ) AS DATETIME),
      INTERVAL '30' DAY
    )
  ) > DATE(2026, 5, 31) AS `maturing`
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
      DATE(
        CAST(EXTRACT(year FROM DATE(`t8`.`strict_1`)) AS INT64),
        CAST(EXTRACT(month FROM DATE(`t8`.`strict_1`)) AS INT64),
        1
      ) AS `period_start`,
      IF(
        (
          `t8`.`strict_2` IS NOT NULL
        )
        AND (
          `t8`.`strict_2` <= TIMESTAMP_ADD(`t8`.`strict_1`, INTERVAL '30' DAY)
        )
        AND (
          `t8`.`strict_2` < TIMESTAMP_ADD(DATETIME('2026-05-31T00:00:00'), INTERVAL '1' DAY)
        ),
        1,
        0
      ) AS `hit`
    FROM (
      SELECT
        `t7`.*
        EXCEPT (`_lead_key`)
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
