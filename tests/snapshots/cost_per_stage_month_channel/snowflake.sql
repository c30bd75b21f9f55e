SELECT
  CONCAT(
    CONCAT(CAST(CAST(DATE_PART(year, "t12"."period_start") AS BIGINT) AS VARCHAR), '-'),
    IFF(
      CAST(DATE_PART(month, "t12"."period_start") AS BIGINT) < 10,
      CONCAT('0', CAST(CAST(DATE_PART(month, "t12"."period_start") AS BIGINT) AS VARCHAR)),
      CAST(CAST(DATE_PART(month, "t12"."period_start") AS BIGINT) AS VARCHAR)
    )
  ) AS "period",
  "t12"."period_start",
  TO_DATE(DATEADD(DAY, -'1', DATEADD(MONTH, '1', CAST("t12"."period_start" AS TIMESTAMP)))) AS "period_end",
  "t12"."dimension_value",
  "t12"."cost" / NULLIF("t12"."n", 0.0) AS "value",
  "t12"."cost" AS "numerator",
  "t12"."n" AS "denominator",
  FALSE AS "maturing"
FROM (
  SELECT
    "t11"."period_start",
    "t11"."dimension_value",
    SUM("t11"."cost") AS "cost",
    SUM("t11"."n") AS "n"
  FROM (
    SELECT
      *
    FROM (
      SELECT
        DATE_FROM_PARTS(
          CAST(DATE_PART(year, "t0"."day") AS BIGINT),
          CAST(DATE_PART(month, "t0"."day") AS BIGINT),
          1
        ) AS "period_start",
        IFF((
          "t0"."channel" IS NULL
        ) OR (
          "t0"."channel" = ''
        ), '(none)', "t0"."channel") AS "dimension_value",
        COALESCE("t0"."cost", 0.0) AS "cost",
        0.0 AS "n"
      FROM "spend" AS "t0"
    ) AS "t6"
    UNION ALL
    SELECT
      *
    FROM (
      SELECT
        DATE_FROM_PARTS(
          CAST(DATE_PART(year, TO_DATE("t9"."strict_1")) AS BIGINT),
          CAST(DATE_PART(month, TO_DATE("t9"."strict_1")) AS BIGINT),
          1
        ) AS "period_start",
        IFF((
          "t9"."channel" IS NULL
        ) OR (
          "t9"."channel" = ''
        ), '(none)', "t9"."channel") AS "dimension_value",
        CAST(NULL AS DOUBLE) AS "cost",
        1.0 AS "n"
      FROM (
        SELECT
          "t8"."lead_key",
          "t8"."strict_1",
          "t5"."_lead_key",
          "t5"."channel"
        FROM (
          SELECT
            "t4"."lead_key",
            MIN(IFF("t4"."stage" = 'mql', "t4"."entered_at", NULL)) AS "strict_1"
          FROM (
            SELECT
              *
            FROM "lead_stages" AS "t1"
            WHERE
              "t1"."stage" IN ('mql')
          ) AS "t4"
          GROUP BY
            1
        ) AS "t8"
        LEFT OUTER JOIN (
          SELECT
            "t2"."lead_key" AS "_lead_key",
            "t2"."channel"
          FROM "leads" AS "t2"
        ) AS "t5"
          ON "t8"."lead_key" = "t5"."_lead_key"
      ) AS "t9"
      WHERE
        "t9"."strict_1" IS NOT NULL
    ) AS "t10"
  ) AS "t11"
  GROUP BY
    1,
    2
) AS "t12"
ORDER BY
  "t12"."period_start" ASC,
  "t12"."dimension_value" ASC
