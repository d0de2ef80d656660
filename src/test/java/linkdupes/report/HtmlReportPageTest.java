package linkdupes.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What the page's browser test cannot see one by one: the policy's digest, the escaping. */
class HtmlReportPageTest {
  @Test
  void thePolicyNamesTheDigestOfThePagesScript() {
    assertEquals(HtmlReport.scriptHash(), HtmlReport.SCRIPT_HASH,
        "the script changed: write its new digest into SCRIPT_HASH");
  }

  @Test
  void theFiveCharactersOfMarkupAreEscapedAndNothingElse() {
    assertEquals("&lt;img src=x onerror=&quot;a(&#39;1&#39;)&quot;&gt; &amp;amp; \u00e9\\x1b",
        HtmlReport.esc("<img src=x onerror=\"a('1')\"> &amp; \u00e9\\x1b"));
    String plain = "/photos/by-date/2024-01-01/IMG_0001.jpg";
    assertEquals(plain, HtmlReport.esc(plain));
  }
}
