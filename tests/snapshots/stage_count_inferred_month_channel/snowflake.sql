SELECT
  CONCAT(
    CONCAT(CAST(CAST(DATE_PART(year, "t9"."period_start") AS BIGINT) AS VARCHAR), '-'),
    IFF(
      CAST(DATE_PART(month, "t9"."period_start") AS BIGINT) < 10,
      CONCAT('0', CAST(CAST(DATE_PART(month, "t9"."period_start") AS BIGINT) AS VARCHAR)),
      CAST(CAST(DATE_PART(month, "t9"."period_start") AS BIGINT) AS VARCHAR)
    )
  ) AS "period",
  "t9"."period_start",
  TO_DATE(DATEADD(DAY, -'1', DATEADD(MONTH, '1', CAST("t9"."period_start" AS TIMESTAMP)))) AS "period_end",
  "t9"."dimension_value",
  CAST("t9"."n" AS DOUBLE) AS "value",
  CAST("t9"."n" AS DOUBLE) AS "numerator",
  CAST(NULL AS DOUBLE) AS "denominator",
  FALSE AS "maturing"
FROM (
  SELECT
    "t8"."period_start",
    "t8"."dimension_value",
    COUNT(*) AS "n"
  FROM (
    SELECT
      "t7"."lead_key",
      "t7"."inferred_1",
      "t7"."channel",
      IFF((
        "t7"."channel" IS NULL
      ) OR (
        "t7"."channel" = ''
      ), '(none)', "t7"."channel") AS "dimension_value",
      DATE_FROM_PARTS(
        CAST(DATE_PART(year, TO_DATE("t7"."inferred_1")) AS BIGINT),
        CAST(DATE_PART(month, TO_DATE("t7"."inferred_1")) AS BIGINT),
        1
      ) AS "period_start"
    FROM (
      SELECT
        "t6"."lead_key",
        "t6"."inferred_1",
        "t4"."_lead_key",
        "t4"."channel"
      FROM (
        SELECT
          "t3"."lead_key",
          MIN(
            IFF("t3"."stage" IN ('mql', 'sql', 'opportunity', 'customer'), "t3"."entered_at", NULL)
          ) AS "inferred_1"
        FROM (
          SELECT
            *
          FROM "lead_stages" AS "t0"
          WHERE
            "t0"."stage" IN ('customer', 'mql', 'opportunity', 'sql')
        ) AS "t3"
        GROUP BY
          1
      ) AS "t6"
      LEFT OUTER JOIN (
        SELECT
          "t1"."lead_key" AS "_lead_key",
          "t1"."channel"
        FROM "leads" AS "t1"
      ) AS "t4"
        ON "t6"."lead_key" = "t4"."_lead_key"
    ) AS "t7"
    WHERE
      "t7"."inferred_1" IS NOT NULL
  ) AS "t8"
  GROUP BY
    1,
    2
) AS "t9"
ORDER BY
  "t9"."period_start" ASC,
  "t9"."dimension_value" ASC
