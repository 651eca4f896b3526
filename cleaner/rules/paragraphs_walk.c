/* _cleaner_paragraphs: an optional C version of the walk of
 * cleaner.rules.paragraphs (_walk: the breaks of a range of lines, the
 * memo of verdicts, the joins as Edits, the breaks kept) and of the common
 * paths of its _decide (the widths, ends_sentence, _stays_apart, _blocked,
 * _header_break, the scoring).
 *
 * The Python functions are the reference: this code reads the same
 * characters with the same tests (the Py_UNICODE_IS* macros are what
 * str.isspace, str.isdigit, ... call) and adds the same small integers as
 * doubles, so its verdicts are the same values.  It calls back into Python
 * for what is rare or regex-heavy: a line that may be a Markdown mark, a
 * list item or a dateline (the compiled patterns, after a test of the first
 * characters that no match can fail), the segmentation gain (cohesion), and
 * the whole of _decide for a paragraph that ends with a hyphen (wordfreq).
 * It returns NotImplemented for arguments of other types; the Python code
 * runs then.
 *
 * The character classes and sets are compiled in: the module exports them
 * (CONSTANTS) and cleaner uses it only when they and ABI match its own.
 * Bump ABI whenever a signature or a result changes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define ABI 3
#define MIN_PROSE_WIDTH 30
#define JOIN_SCORE 4.0
#define STRONG_COHESION 6.0
#define WEAK_COHESION 3.0
#define SPAN_COHESION 0.5
#define PARA_TAIL 400

/* the character classes (ranges as a regex class writes them) and sets of
 * cleaner.chars and cleaner.rules.paragraphs (UTF-8) */
static const char HAN_S[] = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f";
static const char KANA_S[] = "\u3040-\u30ff\u31f0-\u31ff";
static const char CJK_PUNCT_S[] = "\u3001-\u3006\u3008-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65";
static const char WIDE_S[] =
    "\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd";
static const char SENTENCE_END_S[] = "\u3002\uff01\uff1f!?\u2026\uff0e.";
static const char CLOSERS_S[] = "\u201d\u2019\u300d\u300f\uff09\u300b\u3009\u3011\u3015\u3017\"')]";
static const char NEVER_STARTS_S[] = "\u201d\u2019\u300d\u300f\uff09\u300b\u3009\u3011\u3015\uff0c\u3001\uff1b\uff1a\u3002\uff01\uff1f";
static const char CLAUSE_END_S[] = "\uff0c\u3001,";
static const char CLAUSE_PUNCT_S[] = "\uff0c\u3001\uff1b\uff1a,;:\u3002\uff01\uff1f!?";
static const char INNER_PUNCT_S[] = "\uff0c\u3001\uff1b\u3002\uff01\uff1f,;";
/* a line B that opens with one of these adds 3 (nothing starts a paragraph with a clause mark) */
static const char CLAUSE_OPENS_S[] = "\uff0c\u3001\uff1b\uff1a\u3002\uff01\uff1f\uff09\u300d\u300f\u300b";
/* the first characters _LIST can match after its blanks and quote (besides
 * ASCII letters and digits, Unicode decimals and U+2460-U+249B) */
static const char LIST_FIRST_S[] = "-*+(\u2022\u00b7\u25cf\u25cb\u25a0\u25a1\u25aa\u25c6\u25c7\u25ba\u221a\uff08"
                                   "\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u767e\u7b2c";
static const char LIST_QUOTES_S[] = "\u201c\u300c\u300e\"'";
/* the first characters _OPENER can match (besides 0-9 and U+FF10-U+FF19) */
static const char OPENER_FIRST_S[] = "\u65b0\u4e2d\u672c\u636e\u7f16\u6309\u3010["
                                     "\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u3007\u25cb";
/* what a Markdown heading, setext underline or code fence opens with (_MARK_OPENERS) */
static const char MARK_OPENERS_S[] = " #=-`~";

#define MAX_SET 64
typedef struct {
    Py_ssize_t n;
    Py_UCS4 c[MAX_SET];
} CharSet;
typedef struct {
    Py_ssize_t n;
    Py_UCS4 lo[MAX_SET], hi[MAX_SET];
} Ranges;

static CharSet SENTENCE_END, CLOSERS, NEVER_STARTS, CLAUSE_END, CLAUSE_PUNCT, INNER_PUNCT, CLAUSE_OPENS, LIST_FIRST, LIST_QUOTES,
    OPENER_FIRST, MARK_OPENERS;
static Ranges HAN, CJK, WIDE;

/* the characters of a UTF-8 string into out (a set) */
static int
load_set(const char *utf8, CharSet *out)
{
    PyObject *s = PyUnicode_FromString(utf8);
    if (s == NULL)
        return -1;
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (n > MAX_SET) {
        Py_DECREF(s);
        PyErr_SetString(PyExc_ValueError, "set too large");
        return -1;
    }
    for (Py_ssize_t k = 0; k < n; k++)
        out->c[k] = PyUnicode_READ_CHAR(s, k);
    out->n = n;
    Py_DECREF(s);
    return 0;
}

/* the ranges of a regex class's contents (a-b, or a single character) added to out */
static int
load_ranges(const char *utf8, Ranges *out)
{
    CharSet chars;
    if (load_set(utf8, &chars) < 0)
        return -1;
    for (Py_ssize_t k = 0; k < chars.n; out->n++) {
        if (out->n >= MAX_SET) {
            PyErr_SetString(PyExc_ValueError, "class too large");
            return -1;
        }
        int range = k + 2 < chars.n && chars.c[k + 1] == '-';
        out->lo[out->n] = chars.c[k];
        out->hi[out->n] = chars.c[range ? k + 2 : k];
        k += range ? 3 : 1;
    }
    return 0;
}

static inline int
in_set(const CharSet *set, Py_UCS4 c)
{
    for (Py_ssize_t k = 0; k < set->n; k++)
        if (set->c[k] == c)
            return 1;
    return 0;
}

static inline int
in_ranges(const Ranges *r, Py_UCS4 c)
{
    for (Py_ssize_t k = 0; k < r->n; k++)
        if (r->lo[k] <= c && c <= r->hi[k])
            return 1;
    return 0;
}

/* a str read in place */
typedef struct {
    int kind;
    const void *data;
    Py_ssize_t len;
} View;

static inline View
view(PyObject *s)
{
    View v = {PyUnicode_KIND(s), PyUnicode_DATA(s), PyUnicode_GET_LENGTH(s)};
    return v;
}

#define AT(v, k) PyUnicode_READ((v).kind, (v).data, (k))

/* the end of v[start:end].rstrip() */
static inline Py_ssize_t
rstripped(View v, Py_ssize_t start, Py_ssize_t end)
{
    while (end > start && Py_UNICODE_ISSPACE(AT(v, end - 1)))
        end--;
    return end;
}

/* the start of v.lstrip(" \t\u3000") */
static inline Py_ssize_t
lstripped_blanks(View v)
{
    Py_ssize_t k = 0;
    while (k < v.len) {
        Py_UCS4 c = AT(v, k);
        if (c != ' ' && c != '\t' && c != 0x3000)
            break;
        k++;
    }
    return k;
}

/* _width of v[start:end]: its length and its wide characters again */
static Py_ssize_t
width(View v, Py_ssize_t start, Py_ssize_t end)
{
    Py_ssize_t w = end - start;
    if (v.kind == PyUnicode_1BYTE_KIND)
        return w; /* (nothing below U+0100 is wide) */
    for (Py_ssize_t k = start; k < end; k++) {
        Py_UCS4 c = AT(v, k);
        if (c >= 0x1100 && in_ranges(&WIDE, c))
            w++;
    }
    return w;
}

/* _wider(v[start:end], w) */
static inline int
wider(View v, Py_ssize_t start, Py_ssize_t end, Py_ssize_t w)
{
    Py_ssize_t n = end - start;
    return n >= w || (2 * n >= w && width(v, start, end) >= w);
}

/* ends_sentence(v[start:end]) */
static int
ends_sentence(View v, Py_ssize_t start, Py_ssize_t end)
{
    end = rstripped(v, start, end);
    if (end == start)
        return 0;
    Py_ssize_t t = end;
    while (t > start && in_set(&CLOSERS, AT(v, t - 1)))
        t--;
    return in_set(&SENTENCE_END, AT(v, (t > start ? t : end) - 1));
}

/* whether v[start:end] holds a character of the set */
static inline int
holds(View v, Py_ssize_t start, Py_ssize_t end, const CharSet *set)
{
    for (Py_ssize_t k = start; k < end; k++)
        if (in_set(set, AT(v, k)))
            return 1;
    return 0;
}

/* str.count("  ") of v[start:end] is at least 2 */
static int
two_double_spaces(View v, Py_ssize_t start, Py_ssize_t end)
{
    int n = 0;
    Py_ssize_t k = start;
    while (k + 1 < end) {
        if (AT(v, k) == ' ' && AT(v, k + 1) == ' ') {
            if (++n >= 2)
                return 1;
            k += 2;
        } else {
            k++;
        }
    }
    return 0;
}

/* _INDENT.match(v): ^(?:\u3000|\s{2,}|\t) */
static inline int
indented(View v)
{
    if (v.len == 0)
        return 0;
    Py_UCS4 c = AT(v, 0);
    return c == 0x3000 || c == '\t' || (v.len > 1 && Py_UNICODE_ISSPACE(c) && Py_UNICODE_ISSPACE(AT(v, 1)));
}

static inline int
list_first(Py_UCS4 c)
{
    if (c < 128)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || in_set(&LIST_FIRST, c);
    return Py_UNICODE_ISDECIMAL(c) || (c >= 0x2460 && c <= 0x249B) || in_set(&LIST_FIRST, c);
}

/* whether _LIST can match v[start:end] (False: it cannot) */
static int
list_may(View v, Py_ssize_t start, Py_ssize_t end)
{
    Py_ssize_t k = start;
    while (k < end && Py_UNICODE_ISSPACE(AT(v, k)))
        k++;
    if (k >= end)
        return 0;
    Py_UCS4 c = AT(v, k);
    return list_first(c) || (in_set(&LIST_QUOTES, c) && k + 1 < end && list_first(AT(v, k + 1)));
}

static inline int
opener_may(Py_UCS4 c)
{
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19) || in_set(&OPENER_FIRST, c);
}

static inline int
is_digit_or_wide(Py_UCS4 c)
{
    return (c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19);
}

/* _closing: the line from k opens with one of NEVER_STARTS, not with an
   elided year (U+2019 and two digits: ’97) */
static inline int
closing(View v, Py_ssize_t k, Py_ssize_t end)
{
    if (k >= end || !in_set(&NEVER_STARTS, AT(v, k)))
        return 0;
    return !(AT(v, k) == 0x2019 && k + 2 < end && is_digit_or_wide(AT(v, k + 1)) && is_digit_or_wide(AT(v, k + 2)));
}

/* what a walk reads: the layout, the callbacks */
typedef struct {
    Py_ssize_t wrap, tol;
    int blank_paragraphs, indents, rare_blanks;
    PyObject *headers; /* a (frozen)set, borrowed */
    PyObject *stats;   /* borrowed */
    /* borrowed from the context tuple */
    PyObject *edit_type, *py_decide, *marked, *list_match, *heading_match, *opener_match, *cohesion, *name;
} Walk;

/* the result of a callback as a truth value: 1, 0 or -1 (an error) */
static int
truth(PyObject *func, PyObject *arg)
{
    PyObject *r = PyObject_CallOneArg(func, arg);
    if (r == NULL)
        return -1;
    int t = PyObject_IsTrue(r);
    Py_DECREF(r);
    return t;
}

/* truth(func, s[start:end]) */
static int
truth_of_part(PyObject *func, PyObject *s, Py_ssize_t start, Py_ssize_t end)
{
    PyObject *part = PyUnicode_Substring(s, start, end);
    if (part == NULL)
        return -1;
    int t = truth(func, part);
    Py_DECREF(part);
    return t;
}

/* whether s[start:end].strip() is in the set: 1, 0 or -1 (an error) */
static int
stripped_in(PyObject *set, PyObject *s, Py_ssize_t start, Py_ssize_t end)
{
    View v = view(s);
    while (start < end && Py_UNICODE_ISSPACE(AT(v, start)))
        start++;
    PyObject *part = PyUnicode_Substring(s, start, rstripped(v, start, end));
    if (part == NULL)
        return -1;
    int t = PySet_Contains(set, part);
    Py_DECREF(part);
    return t;
}

static PyObject *EMPTY, *SPACE; /* the separators "" and " " */

static PyObject *
verdict(double score, int cjk)
{
    PyObject *s = PyFloat_FromDouble(score);
    if (s == NULL)
        return NULL;
    PyObject *sep = cjk ? EMPTY : SPACE;
    Py_INCREF(sep);
    PyObject *t = PyTuple_New(2);
    if (t == NULL) {
        Py_DECREF(s);
        Py_DECREF(sep);
        return NULL;
    }
    PyTuple_SET_ITEM(t, 0, s);
    PyTuple_SET_ITEM(t, 1, sep);
    return t;
}

#define NONE() (Py_INCREF(Py_None), Py_None)
#define CHECK(x)          \
    do {                  \
        if ((x) < 0)      \
            return NULL;  \
    } while (0)

/* _decide(line, para, b_raw, blank_between, stats): a new reference */
static PyObject *
decide(Walk *w, PyObject *line, PyObject *para, PyObject *b_raw, int blank_between)
{
    View L = view(line), A = view(para), B = view(b_raw);
    Py_ssize_t b0 = lstripped_blanks(B), bn = B.len; /* b = b_raw[b0:] */
    Py_ssize_t an = rstripped(A, 0, A.len);          /* a = para[:an] */
    Py_ssize_t ln = rstripped(L, 0, L.len);          /* line = line[:ln] */
    if (an == 0 || b0 >= bn)
        return NONE();
    Py_UCS4 last = AT(A, an - 1), first = AT(B, b0);
    if (last == '-' || last == 0xAD) /* a Latin word broken by a hyphen, maybe (wordfreq): Python decides */
        return PyObject_CallFunctionObjArgs(w->py_decide, line, para, b_raw, blank_between ? Py_True : Py_False, w->stats, NULL);
    int wrapped = !blank_between && w->wrap > 0 && width(L, 0, ln) >= w->wrap - w->tol;
    int ends = ends_sentence(A, 0, an);
    int t;
    /* _stays_apart (a does not end with a hyphen) */
    if (!wrapped && !closing(B, b0, bn) && (last == 0xFF1B || last == ';' || ends))
        return NONE();
    /* _blocked */
    if (in_set(&MARK_OPENERS, AT(A, 0))) {
        CHECK(t = truth_of_part(w->marked, para, 0, an));
        if (t)
            return NONE();
    }
    if (in_set(&MARK_OPENERS, AT(B, 0))) {
        CHECK(t = truth(w->marked, b_raw));
        if (t)
            return NONE();
    }
    if (list_may(B, 0, bn)) {
        CHECK(t = truth(w->list_match, b_raw));
        if (t)
            return NONE();
    }
    if (w->indents && indented(B))
        return NONE();
    if (two_double_spaces(A, 0, an) || two_double_spaces(B, b0, bn) || AT(A, 0) == '|' || last == '|')
        return NONE();
    /* _header_break */
    if (PySet_GET_SIZE(w->headers) > 0) {
        CHECK(t = stripped_in(w->headers, line, 0, ln));
        if (t)
            return NONE();
        CHECK(t = stripped_in(w->headers, b_raw, b0, bn));
        if (t)
            return NONE();
    }
    {
        /* line.isupper() and sum(c.isalpha() for c in line) >= 4 and b[:1].islower() */
        int upper = 0;
        if (ln == 1) {
            upper = Py_UNICODE_ISUPPER(AT(L, 0)) != 0;
        } else {
            for (Py_ssize_t k = 0; k < ln; k++) {
                Py_UCS4 c = AT(L, k);
                if (Py_UNICODE_ISLOWER(c) || Py_UNICODE_ISTITLE(c)) {
                    upper = 0;
                    break;
                }
                if (Py_UNICODE_ISUPPER(c))
                    upper = 1;
            }
        }
        if (upper && Py_UNICODE_ISLOWER(first)) {
            int letters = 0;
            for (Py_ssize_t k = 0; k < ln; k++)
                letters += Py_UNICODE_ISALPHA(AT(L, k)) != 0;
            if (letters >= 4)
                return NONE();
        }
    }
    int cjk = in_ranges(&CJK, last) || in_ranges(&CJK, first);
    if (!cjk && Py_UNICODE_ISDIGIT(last) && Py_UNICODE_ISDIGIT(first)) {
        /* a number cut inside Chinese text: a CJK character in a[-20:] + b[:20] */
        for (Py_ssize_t k = an > 20 ? an - 20 : 0; k < an && !cjk; k++)
            cjk = in_ranges(&CJK, AT(A, k));
        for (Py_ssize_t k = b0; k < bn && k < b0 + 20 && !cjk; k++)
            cjk = in_ranges(&CJK, AT(B, k));
    }
    if (closing(B, b0, bn)) {
        int listed = 0;
        if (list_may(B, 0, bn))
            CHECK(listed = truth(w->list_match, b_raw));
        if (!listed && (AT(B, 0) == ' ' || AT(B, 0) == '#'))
            CHECK(listed = truth(w->heading_match, b_raw));
        if (!listed)
            return verdict(5.0, cjk);
    }
    if (ends || ((last == 0xFF1B || last == ';') && !wrapped)) {
        if (wrapped && (w->blank_paragraphs || (w->indents && !indented(B))))
            return verdict(4.0, cjk);
        return NONE();
    }
    int inner_a = holds(A, 0, an - 1, &INNER_PUNCT);
    if (!wrapped && !inner_a && list_may(A, 0, an)) {
        CHECK(t = truth_of_part(w->list_match, para, 0, an));
        if (t)
            return NONE(); /* a numbered heading */
    }
    double score = 0.0;
    int word_across = 0;
    if (Py_UNICODE_ISALNUM(last) || last == '-' || last == '/')
        score += 1.0;
    else if (in_set(&CLAUSE_END, last) || (wrapped && (last == 0xFF1B || last == ';' || last == 0xFF1A || last == ':')))
        score += 1.0;
    else if (!wrapped)
        return NONE();
    if (wrapped)
        score += 2.0;
    if (inner_a)
        score += 1.0;
    if (wider(A, 0, an, 2 * MIN_PROSE_WIDTH))
        score += 1.0;
    if ((w->wrap && wider(B, b0, bn, w->wrap - w->tol)) || (wider(B, b0, bn, MIN_PROSE_WIDTH) && holds(B, b0, bn, &CLAUSE_PUNCT))
        || (holds(B, b0, bn, &INNER_PUNCT) && ends_sentence(B, b0, bn)))
        score += 1.0;
    if (opener_may(first)) {
        CHECK(t = truth_of_part(w->opener_match, b_raw, b0, bn));
        if (t)
            score -= 2.0;
    }
    if (in_set(&CLAUSE_OPENS, first))
        score += 3.0;
    if (cjk && in_ranges(&HAN, last) && in_ranges(&HAN, first)) {
        /* _word_across on the four characters either side (what cohesion reads) */
        PyObject *left = PyUnicode_Substring(para, an > 4 ? an - 4 : 0, an);
        if (left == NULL)
            return NULL;
        PyObject *right = PyUnicode_Substring(b_raw, b0, bn < b0 + 4 ? bn : b0 + 4);
        if (right == NULL) {
            Py_DECREF(left);
            return NULL;
        }
        PyObject *g = PyObject_CallFunctionObjArgs(w->cohesion, left, right, NULL);
        Py_DECREF(left);
        Py_DECREF(right);
        if (g == NULL)
            return NULL;
        double gain = PyFloat_AsDouble(g);
        Py_DECREF(g);
        if (gain == -1.0 && PyErr_Occurred())
            return NULL;
        double extra = blank_between && w->rare_blanks && gain >= WEAK_COHESION ? 2.0 : 0.0;
        if (gain >= STRONG_COHESION) {
            extra += 3.0;
            word_across = 1;
        } else if (gain >= WEAK_COHESION) {
            extra += 2.0;
            word_across = 1;
        } else {
            extra = gain > SPAN_COHESION ? 1.0 : 0.0;
        }
        score += extra;
    }
    if (!cjk && Py_UNICODE_ISLOWER(first))
        score += 3.0;
    if (!cjk && Py_UNICODE_ISUPPER(first) && !wrapped)
        return NONE();
    if (!wrapped && !wider(A, 0, an, MIN_PROSE_WIDTH / 2) && !wider(B, b0, bn, MIN_PROSE_WIDTH / 2))
        return NONE(); /* two short lines: a caption, a list item, verse */
    if (!wider(A, 0, an, MIN_PROSE_WIDTH / 2) && score < 4 + 2 && !word_across)
        return NONE();
    return verdict(score, cjk);
}

/* reads the layout and the context into w; 0, -1 (an error) or 1 (not handled) */
static int
setup(Walk *w, PyObject *stats, PyObject *ctx)
{
    if (!PyTuple_CheckExact(ctx) || PyTuple_GET_SIZE(ctx) != 8)
        return 1;
    w->edit_type = PyTuple_GET_ITEM(ctx, 0);
    w->py_decide = PyTuple_GET_ITEM(ctx, 1);
    w->marked = PyTuple_GET_ITEM(ctx, 2);
    w->list_match = PyTuple_GET_ITEM(ctx, 3);
    w->heading_match = PyTuple_GET_ITEM(ctx, 4);
    w->opener_match = PyTuple_GET_ITEM(ctx, 5);
    w->cohesion = PyTuple_GET_ITEM(ctx, 6);
    w->name = PyTuple_GET_ITEM(ctx, 7);
    if (!PyType_Check(w->edit_type) || !PyType_IsSubtype((PyTypeObject *)w->edit_type, &PyTuple_Type))
        return 1;
    w->stats = stats;
    /* the layout: two ints and three bools (a bool is an int, 0 or 1) */
    static const char *names[] = {"wrap_width", "tolerance", "blank_paragraphs", "indents", "rare_blanks"};
    Py_ssize_t values[5];
    for (int k = 0; k < 5; k++) {
        PyObject *v = PyObject_GetAttrString(stats, names[k]);
        if (v == NULL)
            return -1;
        int fits = k < 2 ? PyLong_CheckExact(v) : PyBool_Check(v);
        values[k] = fits ? PyLong_AsSsize_t(v) : 0;
        Py_DECREF(v);
        if (!fits)
            return 1;
        if (values[k] == -1 && PyErr_Occurred())
            return -1;
    }
    w->wrap = values[0];
    w->tol = values[1];
    w->blank_paragraphs = values[2] != 0;
    w->indents = values[3] != 0;
    w->rare_blanks = values[4] != 0;
    PyObject *h = PyObject_GetAttrString(stats, "headers");
    if (h == NULL)
        return -1;
    int ok = PyFrozenSet_CheckExact(h);
    w->headers = h;
    Py_DECREF(h); /* (the stats object keeps it) */
    return ok ? 0 : 1;
}

static PyObject *
decide_py(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "decide(line, para, b_raw, blank_between, stats, ctx)");
        return NULL;
    }
    Walk w;
    int r = setup(&w, args[4], args[5]);
    if (r < 0)
        return NULL;
    if (r > 0 || !PyUnicode_CheckExact(args[0]) || !PyUnicode_CheckExact(args[1]) || !PyUnicode_CheckExact(args[2]) || !PyBool_Check(args[3]))
        Py_RETURN_NOTIMPLEMENTED;
    return decide(&w, args[0], args[1], args[2], args[3] == Py_True);
}

/* the truth of a flag of the lines (a bool: nothing else is tested) */
static inline int
is_true(PyObject *flag)
{
    return flag == Py_True ? 1 : flag == Py_False ? 0 : PyObject_IsTrue(flag);
}

/* the text of a line; NULL (a TypeError set) for anything but a str */
static inline PyObject *
body_at(PyObject *bodies, Py_ssize_t k)
{
    PyObject *b = PyList_GET_ITEM(bodies, k);
    if (!PyUnicode_Check(b)) {
        PyErr_SetString(PyExc_TypeError, "a line is a str");
        return NULL;
    }
    return b;
}

/* the new paragraph tail: (para.rstrip()[:-1 if unhyphened] + sep + b[lead:])[-PARA_TAIL:]
 * (made as Python makes it: a str in its most compact form) */
static PyObject *
joined_tail(PyObject *para, int unhyphened, PyObject *sep, PyObject *b, Py_ssize_t lead)
{
    View P = view(para);
    PyObject *tail = PyUnicode_Substring(para, 0, rstripped(P, 0, P.len) - unhyphened);
    if (tail == NULL)
        return NULL;
    PyObject *rest = PyUnicode_Substring(b, lead, PyUnicode_GET_LENGTH(b));
    if (rest == NULL) {
        Py_DECREF(tail);
        return NULL;
    }
    PyObject *with_sep = PyUnicode_Concat(tail, sep);
    Py_DECREF(tail);
    PyObject *all = with_sep != NULL ? PyUnicode_Concat(with_sep, rest) : NULL;
    Py_XDECREF(with_sep);
    Py_DECREF(rest);
    if (all == NULL)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(all);
    if (n <= PARA_TAIL)
        return all;
    PyObject *out = PyUnicode_Substring(all, n - PARA_TAIL, n);
    Py_DECREF(all);
    return out;
}

/* walk(text, starts, bodies, blanks, fenced, verdicts, kept, i, stop, join, onward, stats, ctx):
 * (joins, stopped) as _walk yields and stops, or NotImplemented */
static PyObject *
walk(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 13) {
        PyErr_SetString(PyExc_TypeError, "walk takes 13 arguments");
        return NULL;
    }
    PyObject *text = args[0], *starts = args[1], *bodies = args[2], *blanks = args[3], *fenced = args[4];
    PyObject *verdicts = args[5], *kept = args[6];
    if (!PyUnicode_CheckExact(text) || !PyList_CheckExact(starts) || !PyList_CheckExact(bodies) || !PyList_CheckExact(blanks)
        || !PyList_CheckExact(fenced) || !PyDict_CheckExact(verdicts) || !PyList_CheckExact(kept) || !PyLong_CheckExact(args[7])
        || !PyLong_CheckExact(args[8]))
        Py_RETURN_NOTIMPLEMENTED;
    Py_ssize_t n = PyList_GET_SIZE(bodies);
    if (PyList_GET_SIZE(starts) != n || PyList_GET_SIZE(blanks) != n || PyList_GET_SIZE(fenced) != n)
        Py_RETURN_NOTIMPLEMENTED;
    Py_ssize_t i = PyLong_AsSsize_t(args[7]), stop = PyLong_AsSsize_t(args[8]);
    if ((i == -1 || stop == -1) && PyErr_Occurred())
        return NULL;
    if (i < 0 || stop > n)
        Py_RETURN_NOTIMPLEMENTED;
    int join = PyObject_IsTrue(args[9]), onward = PyObject_IsTrue(args[10]);
    if (join < 0 || onward < 0)
        return NULL;
    Walk w;
    int r = setup(&w, args[11], args[12]);
    if (r < 0)
        return NULL;
    if (r > 0)
        Py_RETURN_NOTIMPLEMENTED;
    /* (the items are checked as they are read: a walk reads a few lines of long lists) */
    PyObject *edits = PyList_New(0);
    if (edits == NULL)
        return NULL;
    PyObject *para = NULL; /* the paragraph that ends with line i, as joined so far (NULL: "") */
    PyObject *key = NULL;
    while ((i < stop || (onward && para != NULL)) && i < n) {
        int skip = is_true(PyList_GET_ITEM(blanks, i));
        if (skip == 0)
            skip = is_true(PyList_GET_ITEM(fenced, i));
        if (skip < 0)
            goto error;
        if (skip) {
            i++;
            Py_CLEAR(para);
            continue;
        }
        PyObject *a = body_at(bodies, i);
        if (a == NULL)
            goto error;
        if (para == NULL && PyUnicode_GET_LENGTH(a) > 0) {
            para = a;
            Py_INCREF(para);
        }
        Py_ssize_t j = i + 1;
        int t;
        while (j < n && (t = is_true(PyList_GET_ITEM(blanks, j))) > 0)
            j++;
        if (j < n && t < 0)
            goto error;
        t = j < n && j - i - 1 <= 1 ? is_true(PyList_GET_ITEM(fenced, j)) : 1;
        if (t < 0)
            goto error;
        if (t) {
            i = j;
            Py_CLEAR(para);
            continue;
        }
        PyObject *b = body_at(bodies, j);
        if (b == NULL)
            goto error;
        View A = view(a), B = view(b);
        Py_ssize_t lead = lstripped_blanks(B);
        if (A.len > 0) {
            Py_UCS4 end = AT(A, A.len - 1);
            if ((in_set(&SENTENCE_END, end) || end == 0xFF1B || end == ';') && (j > i + 1 || !w.wrap)
                && !closing(B, lead, B.len)) {
                /* a line that ends a sentence, not a wrapped one: the break stays (the shortcut of _decide) */
                i = j;
                Py_CLEAR(para);
                continue;
            }
        }
        PyObject *blank_between = j - i - 1 == 1 ? Py_True : Py_False;
        PyObject *p = para != NULL ? para : a; /* (a is "" when para is NULL: para or a) */
        key = PyTuple_Pack(4, a, p, b, blank_between);
        if (key == NULL)
            goto error;
        PyObject *v = PyDict_GetItemWithError(verdicts, key); /* borrowed */
        if (v == NULL) {
            if (PyErr_Occurred())
                goto error;
            v = decide(&w, a, p, b, j - i - 1 == 1);
            if (v == NULL)
                goto error;
            if (PyDict_SetItem(verdicts, key, v) < 0) {
                Py_DECREF(v);
                goto error;
            }
            Py_DECREF(v); /* (the dict keeps it) */
        }
        Py_CLEAR(key);
        double score = 0.0;
        PyObject *sep = NULL;
        if (v != Py_None) {
            if (!PyTuple_Check(v) || PyTuple_GET_SIZE(v) != 2 || !PyUnicode_Check(PyTuple_GET_ITEM(v, 1))) {
                PyErr_SetString(PyExc_TypeError, "a verdict is None or (score, separator)");
                goto error;
            }
            score = PyFloat_AsDouble(PyTuple_GET_ITEM(v, 0));
            if (score == -1.0 && PyErr_Occurred())
                goto error;
            sep = PyTuple_GET_ITEM(v, 1);
        }
        Py_ssize_t start_i = PyLong_AsSsize_t(PyList_GET_ITEM(starts, i));
        Py_ssize_t start_j = PyLong_AsSsize_t(PyList_GET_ITEM(starts, j));
        if ((start_i == -1 || start_j == -1) && PyErr_Occurred())
            goto error;
        if (join && v != Py_None && score >= JOIN_SCORE) {
            Py_ssize_t a_end = rstripped(A, 0, A.len);
            Py_ssize_t cut = start_i + a_end;
            int unhyphened = 0;
            Py_ssize_t sn = PyUnicode_GET_LENGTH(sep);
            if ((sn == 0 || (sn == 1 && PyUnicode_READ_CHAR(sep, 0) == '-')) && a_end >= 2) {
                Py_UCS4 h = AT(A, a_end - 1), c = AT(A, a_end - 2);
                if ((h == '-' || h == 0xAD) && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                    Py_ssize_t k = 0;
                    while (k < B.len && Py_UNICODE_ISSPACE(AT(B, k)))
                        k++;
                    if (k < B.len && AT(B, k) >= 'a' && AT(B, k) <= 'z') {
                        cut -= 1; /* the hyphen is part of the break */
                        unhyphened = 1;
                    }
                }
            }
            Py_ssize_t end = start_j + lead;
            PyObject *before = PyUnicode_Substring(text, cut, end);
            if (before == NULL)
                goto error;
            PyObject *cut_o = PyLong_FromSsize_t(cut), *end_o = PyLong_FromSsize_t(end);
            PyObject *fields = cut_o && end_o ? PyTuple_Pack(8, w.name, cut_o, end_o, before, sep, PyTuple_GET_ITEM(v, 0), Py_None, EMPTY) : NULL;
            Py_XDECREF(cut_o);
            Py_XDECREF(end_o);
            Py_DECREF(before);
            if (fields == NULL)
                goto error;
            /* tuple.__new__(Edit, fields): Edit's own __new__ is Python code */
            PyObject *args1 = PyTuple_Pack(1, fields);
            Py_DECREF(fields);
            if (args1 == NULL)
                goto error;
            PyObject *edit = PyTuple_Type.tp_new((PyTypeObject *)w.edit_type, args1, NULL);
            Py_DECREF(args1);
            if (edit == NULL)
                goto error;
            int e = PyList_Append(edits, edit);
            Py_DECREF(edit);
            if (e < 0)
                goto error;
            PyObject *tail = joined_tail(p, unhyphened, sep, b, lead);
            if (tail == NULL)
                goto error;
            Py_XSETREF(para, tail);
        } else {
            if (v == Py_None || score < JOIN_SCORE) {
                PyObject *entry = PyTuple_Pack(5, PyList_GET_ITEM(starts, i), a, PyList_GET_ITEM(starts, j), b, p);
                if (entry == NULL)
                    goto error;
                int e = PyList_Append(kept, entry);
                Py_DECREF(entry);
                if (e < 0)
                    goto error;
            }
            Py_CLEAR(para);
        }
        i = j;
    }
    Py_XDECREF(para);
    return Py_BuildValue("(Nn)", edits, i);
error:
    Py_XDECREF(key);
    Py_XDECREF(para);
    Py_DECREF(edits);
    return NULL;
}

/* lines(text): _lines of a text without CR, (starts, bodies, blanks) as lists */
static PyObject *
lines(PyObject *self, PyObject *text)
{
    if (!PyUnicode_CheckExact(text))
        Py_RETURN_NOTIMPLEMENTED;
    PyObject *sep = PyUnicode_FromOrdinal('\n');
    if (sep == NULL)
        return NULL;
    PyObject *bodies = PyUnicode_Split(text, sep, -1);
    Py_DECREF(sep);
    if (bodies == NULL)
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(bodies);
    if (n > 0 && PyUnicode_GET_LENGTH(PyList_GET_ITEM(bodies, n - 1)) == 0) {
        /* (a text that ends with a line break has no empty line after it) */
        if (PyList_SetSlice(bodies, n - 1, n, NULL) < 0) {
            Py_DECREF(bodies);
            return NULL;
        }
        n--;
    }
    PyObject *starts = PyList_New(n), *blanks = PyList_New(n);
    if (starts == NULL || blanks == NULL)
        goto error;
    Py_ssize_t at = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *body = PyList_GET_ITEM(bodies, k);
        PyObject *start = PyLong_FromSsize_t(at);
        if (start == NULL)
            goto error;
        PyList_SET_ITEM(starts, k, start);
        View v = view(body);
        int blank = 1; /* (empty, or whitespace alone: body.isspace()) */
        for (Py_ssize_t c = 0; c < v.len && blank; c++)
            blank = Py_UNICODE_ISSPACE(AT(v, c)) != 0;
        PyObject *flag = blank ? Py_True : Py_False;
        Py_INCREF(flag);
        PyList_SET_ITEM(blanks, k, flag);
        at += v.len + 1;
    }
    return Py_BuildValue("(NNN)", starts, bodies, blanks);
error:
    Py_XDECREF(starts);
    Py_XDECREF(blanks);
    Py_DECREF(bodies);
    return NULL;
}

static PyMethodDef methods[] = {
    {"lines", (PyCFunction)lines, METH_O,
     PyDoc_STR("lines(text)\n--\n\n"
               "cleaner.rules.paragraphs._lines of a text without CR: (starts, bodies, blanks) as lists;\n"
               "NotImplemented for other types.")},
    {"walk", (PyCFunction)(void (*)(void))walk, METH_FASTCALL,
     PyDoc_STR("walk(text, starts, bodies, blanks, fenced, verdicts, kept, i, stop, join, onward, stats, ctx)\n--\n\n"
               "cleaner.rules.paragraphs._walk: (the joins as a list of Edits, the line where it stopped);\n"
               "the breaks left alone are appended to kept, the verdicts to verdicts; NotImplemented\n"
               "for other types.")},
    {"decide", (PyCFunction)(void (*)(void))decide_py, METH_FASTCALL,
     PyDoc_STR("decide(line, para, b_raw, blank_between, stats, ctx)\n--\n\n"
               "cleaner.rules.paragraphs._decide: the same verdict; NotImplemented for other types.")},
    {NULL, NULL, 0, NULL},
};

static int
add_str(PyObject *consts, const char *name, const char *utf8)
{
    PyObject *s = PyUnicode_FromString(utf8);
    if (s == NULL)
        return -1;
    int r = PyDict_SetItemString(consts, name, s);
    Py_DECREF(s);
    return r;
}

static int
exec_module(PyObject *m)
{
    if (EMPTY == NULL) {
        struct {
            const char *s;
            CharSet *set;
        } sets[] = {{SENTENCE_END_S, &SENTENCE_END}, {CLOSERS_S, &CLOSERS}, {NEVER_STARTS_S, &NEVER_STARTS},
                    {CLAUSE_END_S, &CLAUSE_END}, {CLAUSE_PUNCT_S, &CLAUSE_PUNCT}, {INNER_PUNCT_S, &INNER_PUNCT},
                    {CLAUSE_OPENS_S, &CLAUSE_OPENS}, {LIST_FIRST_S, &LIST_FIRST}, {LIST_QUOTES_S, &LIST_QUOTES},
                    {OPENER_FIRST_S, &OPENER_FIRST}, {MARK_OPENERS_S, &MARK_OPENERS}};
        for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++)
            if (load_set(sets[k].s, sets[k].set) < 0)
                return -1;
        if (load_ranges(HAN_S, &HAN) < 0 || load_ranges(WIDE_S, &WIDE) < 0 || load_ranges(HAN_S, &CJK) < 0
            || load_ranges(KANA_S, &CJK) < 0 || load_ranges(CJK_PUNCT_S, &CJK) < 0)
            return -1;
        SPACE = PyUnicode_InternFromString(" ");
        if (SPACE == NULL)
            return -1;
        EMPTY = PyUnicode_New(0, 0);
        if (EMPTY == NULL)
            return -1;
    }
    if (PyModule_AddIntConstant(m, "ABI", ABI) < 0)
        return -1;
    PyObject *consts = PyDict_New();
    if (consts == NULL)
        return -1;
    if (add_str(consts, "HAN", HAN_S) < 0 || add_str(consts, "KANA", KANA_S) < 0 || add_str(consts, "CJK_PUNCT", CJK_PUNCT_S) < 0
        || add_str(consts, "WIDE", WIDE_S) < 0 || add_str(consts, "SENTENCE_END", SENTENCE_END_S) < 0
        || add_str(consts, "CLOSERS", CLOSERS_S) < 0 || add_str(consts, "NEVER_STARTS", NEVER_STARTS_S) < 0
        || add_str(consts, "CLAUSE_END", CLAUSE_END_S) < 0 || add_str(consts, "CLAUSE_PUNCT", CLAUSE_PUNCT_S) < 0
        || add_str(consts, "INNER_PUNCT", INNER_PUNCT_S) < 0 || add_str(consts, "MARK_OPENERS", MARK_OPENERS_S) < 0) {
        Py_DECREF(consts);
        return -1;
    }
    PyObject *nums = Py_BuildValue("{s:i,s:d,s:d,s:d,s:d,s:i}", "MIN_PROSE_WIDTH", MIN_PROSE_WIDTH, "JOIN_SCORE", JOIN_SCORE,
                                   "STRONG_COHESION", STRONG_COHESION, "WEAK_COHESION", WEAK_COHESION, "SPAN_COHESION",
                                   SPAN_COHESION, "PARA_TAIL", PARA_TAIL);
    if (nums == NULL || PyDict_Update(consts, nums) < 0) {
        Py_XDECREF(nums);
        Py_DECREF(consts);
        return -1;
    }
    Py_DECREF(nums);
    if (PyModule_AddObject(m, "CONSTANTS", consts) < 0) {
        Py_DECREF(consts);
        return -1;
    }
    return 0;
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "_cleaner_paragraphs",
    "Optional C version of the walk of cleaner.rules.paragraphs and of the common paths of its _decide (the same verdicts).",
    0,
    methods,
    slots,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC
PyInit__cleaner_paragraphs(void)
{
    return PyModuleDef_Init(&module);
}
