WITH `t4` AS (
  SELECT
    CAST(LEAST(MIN(`t1`.`created_at`), MIN(`t1`.`closed_at`)) AS DATE) AS `first`
  FROM (
    SELECT
      `t0`.`deal_key`,
      `t0`.`source_system`,
      `t0`.`source_id`,
      `t0`.`lead_key`,
      `t0`.`account_key`,
      `t0`.`name`,
      `t0`.`deal_type`,
      `t0`.`stage`,
      `t0`.`pipeline`,
      `t0`.`amount`,
      `t0`.`currency`,
      `t0`.`created_at`,
      `t0`.`closed_at`,
      `t0`.`is_closed`,
      `t0`.`is_won`,
      `t0`.`owner`,
      `t0`.`manager`,
      `t0`.`region`,
      `t0`.`department`,
      `t0`.`channel`,
      `t0`.`campaign`,
      `t0`.`segment`,
      `t0`.`industry`,
      `t0`.`employees`,
      `t0`.`attributes`,
      `t0`.`content_hash`,
      `t0`.`import_id`,
      `t0`.`loaded_at`,
      IF((
        `t0`.`channel` IS NULL
      ) OR (
        `t0`.`channel` = ''
      ), '(none)', `t0`.`channel`) AS `dimension_value`
    FROM `deals` AS `t0`
  ) AS `t1`
)
SELECT
  CONCAT(
    CONCAT(CAST(CAST(EXTRACT(year FROM `t115`.`period_start`) AS BIGINT) AS STRING), '-'),
    IF(
      CAST(EXTRACT(month FROM `t115`.`period_start`) AS BIGINT) < 10,
      CONCAT('0', CAST(CAST(EXTRACT(month FROM `t115`.`period_start`) AS BIGINT) AS STRING)),
      CAST(CAST(EXTRACT(month FROM `t115`.`period_start`) AS BIGINT) AS STRING)
    )
  ) AS `period`,
  `t115`.`period_start`,
  CAST((
    CAST(`t115`.`period_start` AS TIMESTAMP) + INTERVAL '1' MONTH
  ) - INTERVAL '1' DAY AS DATE) AS `period_end`,
  `t115`.`dimension_value`,
  `t115`.`total` AS `value`,
  `t115`.`total` AS `numerator`,
  CAST(NULL AS DOUBLE) AS `denominator`,
  FALSE AS `maturing`
FROM (
  SELECT
    `t114`.`period_start`,
    `t114`.`dimension_value`,
    SUM(`t114`.`amount`) AS `total`
  FROM (
    SELECT
      *
    FROM (
      SELECT
        `t3`.`dimension_value`,
        `t3`.`created`,
        `t3`.`ended`,
        `t3`.`closed`,
        `t3`.`amount`,
        `t112`.`period_start`,
        `t112`.`snapshot`
      FROM (
        SELECT
          IF((
            `t0`.`channel` IS NULL
          ) OR (
            `t0`.`channel` = ''
          ), '(none)', `t0`.`channel`) AS `dimension_value`,
          CAST(`t0`.`created_at` AS DATE) AS `created`,
          IF(
            COALESCE(`t0`.`is_closed`, FALSE) OR COALESCE(`t0`.`is_won`, FALSE),
            CAST(`t0`.`closed_at` AS DATE),
            CAST(NULL AS DATE)
          ) AS `ended`,
          COALESCE(`t0`.`is_closed`, FALSE) OR COALESCE(`t0`.`is_won`, FALSE) AS `closed`,
          COALESCE(`t0`.`amount`, 0.0) AS `amount`
        FROM `deals` AS `t0`
      ) AS `t3`
      CROSS JOIN (
        SELECT
          `t110`.`period_start`,
          IF(
            CAST((
              CAST(`t110`.`period_start` AS TIMESTAMP) + INTERVAL '1' MONTH
            ) - INTERVAL '1' DAY AS DATE) > MAKE_DATE(2026, 5, 31),
            MAKE_DATE(2026, 5, 31),
            CAST((
              CAST(`t110`.`period_start` AS TIMESTAMP) + INTERVAL '1' MONTH
            ) - INTERVAL '1' DAY AS DATE)
          ) AS `snapshot`
        FROM (
          SELECT DISTINCT
            MAKE_DATE(
              CAST(EXTRACT(year FROM CAST(CAST(`t109`.`first` AS TIMESTAMP) + CAST(CONCAT(`t109`.`offset`, ' days') AS INTERVAL) AS DATE)) AS BIGINT),
              CAST(EXTRACT(month FROM CAST(CAST(`t109`.`first` AS TIMESTAMP) + CAST(CONCAT(`t109`.`offset`, ' days') AS INTERVAL) AS DATE)) AS BIGINT),
              1
            ) AS `period_start`
          FROM (
            SELECT
              `t108`.`first`,
              `t108`.`days`,
              `t108`.`d0`,
              `t108`.`d1`,
              `t108`.`d2`,
              `t108`.`d3`,
              `t108`.`d4`,
              0 + (
                `t108`.`d0` * 1
              ) + (
                `t108`.`d1` * 10
              ) + (
                `t108`.`d2` * 100
              ) + (
                `t108`.`d3` * 1000
              ) + (
                `t108`.`d4` * 10000
              ) AS `offset`
            FROM (
              SELECT
                `t107`.`first`,
                `t107`.`days`,
                `t101`.`d0`,
                `t102`.`d1`,
                `t103`.`d2`,
                `t104`.`d3`,
                `t105`.`d4`
              FROM (
                SELECT
                  `t5`.`first`,
                  CAST(FLOOR(
                    (
                      UNIX_TIMESTAMP(CAST(CAST(MAKE_DATE(2026, 5, 31) AS TIMESTAMP) AS TIMESTAMP)) - UNIX_TIMESTAMP(CAST(CAST(`t5`.`first` AS TIMESTAMP) AS TIMESTAMP))
                    ) / (
                      86400
                    )
                  ) AS BIGINT) + 1 AS `days`
                FROM `t4` AS `t5`
              ) AS `t107`
              CROSS JOIN (
                SELECT
                  *
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        4 AS `d0`
                      FROM `t4` AS `t5`
                    ) AS `t6`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        5 AS `d0`
                      FROM `t4` AS `t5`
                    ) AS `t7`
                  ) AS `t56`
                  UNION ALL
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        6 AS `d0`
                      FROM `t4` AS `t5`
                    ) AS `t8`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        7 AS `d0`
                      FROM `t4` AS `t5`
                    ) AS `t9`
                  ) AS `t57`
                ) AS `t81`
                UNION ALL
                SELECT
                  *
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        8 AS `d0`
                      FROM `t4` AS `t5`
                    ) AS `t10`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        9 AS `d0`
                      FROM `t4` AS `t5`
                    ) AS `t11`
                  ) AS `t58`
                  UNION ALL
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          0 AS `d0`
                        FROM `t4` AS `t5`
                      ) AS `t36`
                      UNION ALL
                      SELECT
                        *
                      FROM (
                        SELECT
                          1 AS `d0`
                        FROM `t4` AS `t5`
                      ) AS `t37`
                    ) AS `t71`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          2 AS `d0`
                        FROM `t4` AS `t5`
                      ) AS `t38`
                      UNION ALL
                      SELECT
                        *
                      FROM (
                        SELECT
                          3 AS `d0`
                        FROM `t4` AS `t5`
                      ) AS `t39`
                    ) AS `t72`
                  ) AS `t86`
                ) AS `t91`
              ) AS `t101`
              CROSS JOIN (
                SELECT
                  *
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        4 AS `d1`
                      FROM `t4` AS `t5`
                    ) AS `t12`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        5 AS `d1`
                      FROM `t4` AS `t5`
                    ) AS `t13`
                  ) AS `t59`
                  UNION ALL
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        6 AS `d1`
                      FROM `t4` AS `t5`
                    ) AS `t14`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        7 AS `d1`
                      FROM `t4` AS `t5`
                    ) AS `t15`
                  ) AS `t60`
                ) AS `t82`
                UNION ALL
                SELECT
                  *
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        8 AS `d1`
                      FROM `t4` AS `t5`
                    ) AS `t16`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        9 AS `d1`
                      FROM `t4` AS `t5`
                    ) AS `t17`
                  ) AS `t61`
                  UNION ALL
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          0 AS `d1`
                        FROM `t4` AS `t5`
                      ) AS `t40`
                      UNION ALL
                      SELECT
                        *
                      FROM (
                        SELECT
                          1 AS `d1`
                        FROM `t4` AS `t5`
                      ) AS `t41`
                    ) AS `t73`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          2 AS `d1`
                        FROM `t4` AS `t5`
                      ) AS `t42`
                      UNION ALL
                      SELECT
                        *
                      FROM (
                        SELECT
                          3 AS `d1`
                        FROM `t4` AS `t5`
                      ) AS `t43`
                    ) AS `t74`
                  ) AS `t87`
                ) AS `t92`
              ) AS `t102`
              CROSS JOIN (
                SELECT
                  *
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        4 AS `d2`
                      FROM `t4` AS `t5`
                    ) AS `t18`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        5 AS `d2`
                      FROM `t4` AS `t5`
                    ) AS `t19`
                  ) AS `t62`
                  UNION ALL
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        6 AS `d2`
                      FROM `t4` AS `t5`
                    ) AS `t20`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        7 AS `d2`
                      FROM `t4` AS `t5`
                    ) AS `t21`
                  ) AS `t63`
                ) AS `t83`
                UNION ALL
                SELECT
                  *
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        8 AS `d2`
                      FROM `t4` AS `t5`
                    ) AS `t22`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        9 AS `d2`
                      FROM `t4` AS `t5`
                    ) AS `t23`
                  ) AS `t64`
                  UNION ALL
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          0 AS `d2`
                        FROM `t4` AS `t5`
                      ) AS `t44`
                      UNION ALL
                      SELECT
                        *
                      FROM (
                        SELECT
                          1 AS `d2`
                        FROM `t4` AS `t5`
                      ) AS `t45`
                    ) AS `t75`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          2 AS `d2`
                        FROM `t4` AS `t5`
                      ) AS `t46`
                      UNION ALL
                      SELECT
                        *
                      FROM (
                        SELECT
                          3 AS `d2`
                        FROM `t4` AS `t5`
                      ) AS `t47`
                    ) AS `t76`
                  ) AS `t88`
                ) AS `t93`
              ) AS `t103`
              CROSS JOIN (
                SELECT
                  *
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        4 AS `d3`
                      FROM `t4` AS `t5`
                    ) AS `t24`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        5 AS `d3`
                      FROM `t4` AS `t5`
                    ) AS `t25`
                  ) AS `t65`
                  UNION ALL
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        6 AS `d3`
                      FROM `t4` AS `t5`
                    ) AS `t26`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        7 AS `d3`
                      FROM `t4` AS `t5`
                    ) AS `t27`
                  ) AS `t66`
                ) AS `t84`
                UNION ALL
                SELECT
                  *
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        8 AS `d3`
                      FROM `t4` AS `t5`
                    ) AS `t28`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        9 AS `d3`
                      FROM `t4` AS `t5`
                    ) AS `t29`
                  ) AS `t67`
                  UNION ALL
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          0 AS `d3`
                        FROM `t4` AS `t5`
                      ) AS `t48`
                      UNION ALL
                      SELECT
                        *
                      FROM (
                        SELECT
                          1 AS `d3`
                        FROM `t4` AS `t5`
                      ) AS `t49`
                    ) AS `t77`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          2 AS `d3`
                        FROM `t4` AS `t5`
                      ) AS `t50`
                      UNION ALL
                      SELECT
                        *
                      FROM (
                        SELECT
                          3 AS `d3`
                        FROM `t4` AS `t5`
                      ) AS `t51`
                    ) AS `t78`
                  ) AS `t89`
                ) AS `t94`
              ) AS `t104`
              CROSS JOIN (
                SELECT
                  *
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        4 AS `d4`
                      FROM `t4` AS `t5`
                    ) AS `t30`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        5 AS `d4`
                      FROM `t4` AS `t5`
                    ) AS `t31`
                  ) AS `t68`
                  UNION ALL
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        6 AS `d4`
                      FROM `t4` AS `t5`
                    ) AS `t32`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        7 AS `d4`
                      FROM `t4` AS `t5`
                    ) AS `t33`
                  ) AS `t69`
                ) AS `t85`
                UNION ALL
                SELECT
                  *
                FROM (
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        8 AS `d4`
                      FROM `t4` AS `t5`
                    ) AS `t34`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        9 AS `d4`
                      FROM `t4` AS `t5`
                    ) AS `t35`
                  ) AS `t70`
                  UNION ALL
                  SELECT
                    *
                  FROM (
                    SELECT
                      *
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          0 AS `d4`
                        FROM `t4` AS `t5`
                      ) AS `t52`
                      UNION ALL
                      SELECT
                        *
                      FROM (
                        SELECT
                          1 AS `d4`
                        FROM `t4` AS `t5`
                      ) AS `t53`
                    ) AS `t79`
                    UNION ALL
                    SELECT
                      *
                    FROM (
                      SELECT
                        *
                      FROM (
                        SELECT
                          2 AS `d4`
                        FROM `t4` AS `t5`
                      ) AS `t54`
                      UNION ALL
                      SELECT
                        *
                      FROM (
                        SELECT
                          3 AS `d4`
                        FROM `t4` AS `t5`
                      ) AS `t55`
                    ) AS `t80`
                  ) AS `t90`
                ) AS `t95`
              ) AS `t105`
            ) AS `t108`
            WHERE
              (
                0 + (
                  `t108`.`d0` * 1
                ) + (
                  `t108`.`d1` * 10
                ) + (
                  `t108`.`d2` * 100
                ) + (
                  `t108`.`d3` * 1000
                ) + (
                  `t108`.`d4` * 10000
                )
              ) < `t108`.`days`
          ) AS `t109`
        ) AS `t110`
      ) AS `t112`
    ) AS `t113`
    WHERE
      (
        (
          (
            `t113`.`created` IS NOT NULL
          )
          AND (
            `t113`.`created` <= `t113`.`snapshot`
          )
        )
        OR (
          (
            `t113`.`created` IS NULL
          )
          AND (
            `t113`.`snapshot` = MAKE_DATE(2026, 5, 31)
          )
        )
      )
      AND (
        NOT (
          `t113`.`closed`
        )
        OR (
          (
            `t113`.`ended` IS NOT NULL
          ) AND (
            `t113`.`ended` > `t113`.`snapshot`
          )
        )
      )
  ) AS `t114`
  GROUP BY
    1,
    2
) AS `t115`
ORDER BY
  `t115`.`period_start` ASC NULLS LAST,
  `t115`.`dimension_value` ASC NULLS LAST
