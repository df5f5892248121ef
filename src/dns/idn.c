/* idn.c - internationalized host names through libidn2: UTS 46
 * (non-transitional) to A-labels for lookups, A-labels to Unicode for
 * display only when the name round-trips and no label mixes scripts
 * (UTS 39 §5.2, "highly restrictive"), so that a homograph is shown by its
 * A-label. Pure. */
#include "idn.h"

#include <idn2.h>
#include <string.h>

#include "rdnscheck.h"
#include "util.h"

#define IDN_FLAGS (IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL)

bool rdc_idn_has_unicode(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return true;
    return false;
}

/* The code point of the UTF-8 sequence at s (RFC 3629: shortest form, no
 * surrogates, at most U+10FFFF) and its length in *n; false when s starts
 * no such sequence. */
static bool utf8_next(const unsigned char *s, size_t len, unsigned long *cp, size_t *n)
{
    size_t k;
    unsigned long c;
    if (s[0] < 0x80) {
        *cp = s[0];
        *n = 1;
        return true;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        c = s[0] & 0x1fu, k = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        c = s[0] & 0x0fu, k = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        c = s[0] & 0x07u, k = 4;
    else
        return false;
    if (k > len)
        return false;
    for (size_t i = 1; i < k; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return false;
        c = c << 6 | (s[i] & 0x3fu);
    }
    if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10ffff)) ||
        (c >= 0xd800 && c <= 0xdfff))
        return false;
    *cp = c;
    *n = k;
    return true;
}

static bool valid_utf8(const char *s, size_t len)
{
    unsigned long cp;
    size_t n;
    for (size_t i = 0; i < len; i += n)
        if (!utf8_next((const unsigned char *)s + i, len - i, &cp, &n) || cp == 0)
            return false;
    return true;
}

bool rdc_idn_to_ascii(const char *s, size_t len, char *out, size_t cap, const char **why)
{
    const char *dummy;
    if (why == NULL)
        why = &dummy;
    char in[RDC_NAME_TEXT_MAX];
    if (len > 1 && s[len - 1] == '.')
        len--;
    if (len == 0 || len >= sizeof in) {
        *why = len ? "the name is too long" : "empty name";
        return false;
    }
    if (!valid_utf8(s, len)) {
        *why = "not valid UTF-8";
        return false;
    }
    memcpy(in, s, len);
    in[len] = '\0';
    char *a = NULL;
    int rc = idn2_to_ascii_8z(in, &a, IDN_FLAGS);
    if (rc != IDN2_OK) {
        /* idn2_strerror() gives static text */
        *why = idn2_strerror(rc);
        return false;
    }
    size_t alen = strlen(a);
    if (alen > 0 && a[alen - 1] == '.')
        alen--;
    bool ok = alen + 1 <= cap;
    if (ok) {
        for (size_t i = 0; i < alen; i++)
            out[i] = rdc_lower(a[i]);
        out[alen] = '\0';
    } else {
        *why = "the name is longer than 255 octets";
    }
    idn2_free(a);
    return ok;
}

/* Scripts, coarsely, by code point (Unicode blocks): enough to tell a
 * label that mixes Latin with Cyrillic or Greek from one in one script. */
enum {
    S_COMMON = 0, /* digits, '-', '_', combining marks: any script */
    S_LATIN,
    S_GREEK,
    S_CYRILLIC,
    S_ARMENIAN,
    S_HEBREW,
    S_ARABIC,
    S_THAI,
    S_GEORGIAN,
    S_HANGUL,
    S_HIRAGANA,
    S_KATAKANA,
    S_BOPOMOFO,
    S_HAN,
    S_OTHER /* + (cp >> 7): one script per 128-code-point block */
};

static unsigned long script_of(unsigned long cp)
{
    static const struct {
        unsigned long lo, hi, script;
    } ranges[] = {
        {'0', '9', S_COMMON},         {'-', '-', S_COMMON},         {'_', '_', S_COMMON},
        {'a', 'z', S_LATIN},          {'A', 'Z', S_LATIN},          {0xb7, 0xb7, S_COMMON},
        {0xc0, 0x24f, S_LATIN},       {0x300, 0x36f, S_COMMON},     {0x370, 0x3ff, S_GREEK},
        {0x400, 0x52f, S_CYRILLIC},   {0x530, 0x58f, S_ARMENIAN},   {0x590, 0x5ff, S_HEBREW},
        {0x600, 0x6ff, S_ARABIC},     {0x750, 0x77f, S_ARABIC},     {0x8a0, 0x8ff, S_ARABIC},
        {0xe00, 0xe7f, S_THAI},       {0x10a0, 0x10ff, S_GEORGIAN}, {0x1100, 0x11ff, S_HANGUL},
        {0x1e00, 0x1eff, S_LATIN},    {0x1f00, 0x1fff, S_GREEK},    {0x2d00, 0x2d2f, S_GEORGIAN},
        {0x2de0, 0x2dff, S_CYRILLIC}, {0x3005, 0x3007, S_HAN},      {0x3041, 0x309f, S_HIRAGANA},
        {0x30a0, 0x30ff, S_KATAKANA}, {0x3100, 0x312f, S_BOPOMOFO}, {0x3130, 0x318f, S_HANGUL},
        {0x31a0, 0x31bf, S_BOPOMOFO}, {0x31f0, 0x31ff, S_KATAKANA}, {0x3400, 0x4dbf, S_HAN},
        {0x4e00, 0x9fff, S_HAN},      {0xa640, 0xa69f, S_CYRILLIC}, {0xa720, 0xa7ff, S_LATIN},
        {0xac00, 0xd7af, S_HANGUL},   {0xf900, 0xfaff, S_HAN},      {0x20000, 0x3134f, S_HAN},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (cp >= ranges[i].lo && cp <= ranges[i].hi)
            return ranges[i].script;
    return S_OTHER + (cp >> 7);
}

/* Whether the scripts seen in one label (bit per known script, and at most
 * one other block) are a combination UTS 39's highly restrictive level
 * allows. */
static bool allowed_mix(unsigned mask, unsigned long other)
{
    if (other)
        return mask == 0; /* an unlisted script: alone */
    mask &= ~(1u << S_COMMON);
    if ((mask & (mask - 1)) == 0)
        return true; /* one script (or none) */
    const unsigned japanese = 1u << S_LATIN | 1u << S_HAN | 1u << S_HIRAGANA | 1u << S_KATAKANA;
    const unsigned chinese = 1u << S_LATIN | 1u << S_HAN | 1u << S_BOPOMOFO;
    const unsigned korean = 1u << S_LATIN | 1u << S_HAN | 1u << S_HANGUL;
    return (mask & ~japanese) == 0 || (mask & ~chinese) == 0 || (mask & ~korean) == 0;
}

/* Cyrillic letters that look like Latin ones (as Chromium's IDN spoof
 * checker lists them): a label of these alone spells a Latin word. */
static bool latin_lookalike(unsigned long cp)
{
    static const unsigned short cyr[] = {0x430, 0x433, 0x435, 0x43e, 0x43f, 0x440, 0x441, 0x443,
                                         0x445, 0x44a, 0x44c, 0x455, 0x456, 0x458, 0x461, 0x475,
                                         0x4bb, 0x4bd, 0x4cf, 0x501, 0x51b, 0x51d};
    for (size_t i = 0; i < sizeof cyr / sizeof cyr[0]; i++)
        if (cp == cyr[i])
            return true;
    return cp < 0x80 && (cp == '-' || (cp >= '0' && cp <= '9'));
}

/* Whether the last label of s is ASCII (a Latin TLD). */
static bool ascii_tld(const char *s)
{
    const char *dot = strrchr(s, '.');
    return !rdc_idn_has_unicode(dot ? dot + 1 : s, strlen(dot ? dot + 1 : s));
}

static bool scripts_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s);
    unsigned mask = 0;
    unsigned long other = 0;
    bool lookalike = true, latin_tld = ascii_tld(s);
    for (size_t i = 0; i <= len;) {
        if (i == len || p[i] == '.') {
            if (!allowed_mix(mask, other))
                return false;
            /* whole-script confusable: "аррӏе" under an ASCII TLD */
            if (latin_tld && lookalike && (mask & 1u << S_CYRILLIC))
                return false;
            mask = 0;
            other = 0;
            lookalike = true;
            i++;
            continue;
        }
        unsigned long cp;
        size_t n;
        if (!utf8_next(p + i, len - i, &cp, &n))
            return false;
        lookalike = lookalike && latin_lookalike(cp);
        unsigned long sc = script_of(cp);
        if (sc >= S_OTHER) {
            if (other && other != sc)
                return false;
            other = sc;
        } else {
            mask |= 1u << sc;
        }
        i += n;
    }
    return true;
}

bool rdc_idn_safe(const char *s)
{
    char a[RDC_NAME_TEXT_MAX];
    return s && rdc_idn_to_ascii(s, strlen(s), a, sizeof a, NULL) && scripts_ok(s);
}

/* Whether name has a label starting with "xn--" (any case). */
static bool has_alabel(const char *name)
{
    for (const char *p = name; *p;) {
        if (rdc_lower(p[0]) == 'x' && rdc_lower(p[1]) == 'n' && p[2] == '-' && p[3] == '-')
            return true;
        const char *dot = strchr(p, '.');
        if (dot == NULL)
            break;
        p = dot + 1;
    }
    return false;
}

bool rdc_idn_to_display(const char *name, char *out, size_t cap)
{
    char lower[RDC_NAME_TEXT_MAX], back[RDC_NAME_TEXT_MAX];
    size_t len = strlen(name);
    if (len == 0 || len >= sizeof lower || strchr(name, '\\') || !has_alabel(name))
        return false;
    for (size_t i = 0; i <= len; i++)
        lower[i] = rdc_lower(name[i]);
    char *u = NULL;
    if (idn2_to_unicode_8z8z(lower, &u, IDN_FLAGS) != IDN2_OK)
        return false;
    /* it must come back as exactly the A-labels it came from (libidn2 also
     * decodes what IDNA2008 forbids) and be safe to show */
    bool ok = strlen(u) < cap && rdc_idn_to_ascii(u, strlen(u), back, sizeof back, NULL) &&
              strcmp(back, lower) == 0 && scripts_ok(u);
    if (ok)
        memcpy(out, u, strlen(u) + 1);
    idn2_free(u);
    return ok;
}
