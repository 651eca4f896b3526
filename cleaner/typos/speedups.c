/* _cleaner_speedups: optional C versions of two hot loops of
 * cleaner.typos.model (word_starts and word_gain_bound), of
 * cleaner.typos.confusion_rule._screen_arrays (screen_arrays) and of the
 * character model's n-gram look-ups (ngram_find: CharModel._find;
 * gain_probs: CharModel._gain_probs; middle_runs: CharModel.middle_runs;
 * proposals: cleaner.typos.context.proposals._py_proposals, suspects to candidates;
 * neighbour_counts: CharModel.neighbour_counts; proposal_lists: the
 * proposals as context.score.score_all reads them; floor_groups: its floor loop)
 * and of cleaner.typos.context (word_gain_bounds: _word_gain_bounds, and
 * word_gain_bounds_many for several places of a text in one call;
 * four_gram_max: _four_gram_counts of a candidate's window).
 *
 * The Python functions are the reference: these do the same dictionary
 * look-ups on the same str objects and the same double additions in the same
 * order, so they return the same floats bit for bit.  When an argument is not
 * of the exact type they expect (a dict subclass, a value that is neither a
 * float nor None, a start outside the window, ...) they return
 * NotImplemented and cleaner runs the Python function instead.
 *
 * The look-ups go to a compact copy of the model's table when the caller
 * passes one (compact_table): an open-addressing hash table keyed by the code
 * units of a string of at most MAX_WORD characters of the Basic Multilingual
 * Plane, so that a look-up allocates no str and reads one slot of 24 bytes.
 * A string it cannot hold (a character outside the BMP or U+0000) is looked
 * up in the dict, as before.
 *
 * cleaner uses the module only when ABI, MAX_WORD and UNKNOWN_LOGP match its
 * own: bump ABI whenever a signature or a result changes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#define ABI 11
#define MAX_WORD 8
#define UNKNOWN_LOGP (-21.0)

/* results of the helpers besides 0 (done) */
#define ERR (-1)         /* a Python exception is set */
#define UNSUPPORTED (-2) /* not a case handled here: let Python do it */

/* table[key] as a double: 1 when it is a word (*lp set), 0 when it is a
 * prefix only (None), 2 when it is missing; ERR, UNSUPPORTED */
static int
lookup(PyObject *table, PyObject *key, double *lp)
{
    PyObject *v = PyDict_GetItemWithError(table, key); /* borrowed */
    if (v == NULL)
        return PyErr_Occurred() ? ERR : 2;
    if (v == Py_None)
        return 0;
    if (!PyFloat_CheckExact(v))
        return UNSUPPORTED;
    *lp = PyFloat_AS_DOUBLE(v);
    return 1;
}


/* ---- the compact table ------------------------------------------------ */

/* a string of 1..MAX_WORD code units in 1..0xFFFF, zero-padded: two words */
typedef struct {
    uint64_t k0, k1;
    double val; /* the log probability; NaN for a prefix only (None) */
} Slot;

typedef struct {
    PyObject *table; /* the dict it copies (a strong reference) */
    Py_ssize_t size; /* len(table) when copied */
    Py_ssize_t stored; /* the entries it holds */
    size_t mask; /* slots - 1 (a power of two) */
    Slot *slots; /* all zero: empty */
    int mapped; /* slots from mmap (else PyMem_Calloc) */
} Compact;

#define CAPSULE "_cleaner_speedups.compact"

static inline size_t
key_hash(uint64_t k0, uint64_t k1)
{
    uint64_t h = k0 * 0x9E3779B97F4A7C15ULL ^ k1 * 0xC2B2AE3D27D4EB4FULL;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 32;
    return (size_t)h;
}

/* the key of s[a:b], with ch at p when 0 <= p (a replaced character), in
 * k[2]: 0 when the compact table cannot hold it */
static inline int
make_key(int kind, const void *data, Py_ssize_t a, Py_ssize_t b, Py_ssize_t p, Py_UCS4 ch, uint64_t k[2])
{
    uint16_t u[MAX_WORD] = {0};
    if (b - a < 1 || b - a > MAX_WORD)
        return 0;
    for (Py_ssize_t i = a; i < b; i++) {
        Py_UCS4 x = i == p ? ch : PyUnicode_READ(kind, data, i);
        if (x == 0 || x > 0xFFFF)
            return 0;
        u[i - a] = (uint16_t)x;
    }
    memcpy(k, u, sizeof u);
    return 1;
}

/* as lookup(): 1 a word (*lp), 0 a prefix only, 2 missing */
static inline int
compact_lookup(const Compact *ct, const uint64_t k[2], double *lp)
{
    size_t i = key_hash(k[0], k[1]) & ct->mask;
    for (;;) {
        const Slot *s = &ct->slots[i];
        if (s->k0 == k[0] && s->k1 == k[1]) {
            if (s->val != s->val)
                return 0;
            *lp = s->val;
            return 1;
        }
        if (s->k0 == 0 && s->k1 == 0)
            return 2;
        i = (i + 1) & ct->mask;
    }
}

/* zeroed slots for ct (ct->mask set): mapped with huge pages where Linux
 * offers them (fewer TLB misses for a table of tens of MB), else calloc */
static int
slots_alloc(Compact *ct)
{
    size_t bytes = (ct->mask + 1) * sizeof(Slot);
#if defined(__linux__) && defined(MAP_ANONYMOUS)
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p != MAP_FAILED) {
#ifdef MADV_HUGEPAGE
        (void)madvise(p, bytes, MADV_HUGEPAGE); /* a hint: no harm when refused */
#endif
        ct->slots = p;
        ct->mapped = 1;
        return 0;
    }
#endif
    ct->slots = PyMem_Calloc(ct->mask + 1, sizeof(Slot));
    ct->mapped = 0;
    return ct->slots == NULL ? -1 : 0;
}

static void
slots_free(Compact *ct)
{
#if defined(__linux__) && defined(MAP_ANONYMOUS)
    if (ct->mapped) {
        munmap(ct->slots, (ct->mask + 1) * sizeof(Slot));
        return;
    }
#endif
    PyMem_Free(ct->slots);
}

static void
compact_free(PyObject *capsule)
{
    Compact *ct = PyCapsule_GetPointer(capsule, CAPSULE);
    if (ct == NULL)
        return;
    slots_free(ct);
    Py_XDECREF(ct->table);
    PyMem_Free(ct);
}

static PyObject *
compact_table(PyObject *module, PyObject *table)
{
    if (!PyDict_CheckExact(table))
        Py_RETURN_NONE;
    Py_ssize_t size = PyDict_GET_SIZE(table), pos = 0;
    size_t cap = 16;
    while (cap * 3 < (size_t)size * 4) /* at most three slots in four used */
        cap <<= 1;
    Compact *ct = PyMem_Calloc(1, sizeof(Compact));
    Slot *keys = PyMem_Malloc((size ? size : 1) * sizeof(Slot)); /* first the keys in order */
    if (ct == NULL || keys == NULL) {
        PyMem_Free(ct);
        PyMem_Free(keys);
        return PyErr_NoMemory();
    }
    ct->mask = cap - 1;
    ct->size = size;
    if (slots_alloc(ct) < 0) {
        PyMem_Free(ct);
        PyMem_Free(keys);
        return PyErr_NoMemory();
    }
    PyObject *key, *value;
    Py_ssize_t nkeys = 0;
    while (PyDict_Next(table, &pos, &key, &value)) {
        double v;
        /* a key or a value of another type: the dict is looked up as it is */
        if (!PyUnicode_CheckExact(key) || nkeys >= size)
            goto unsupported;
        if (value == Py_None)
            v = Py_NAN;
        else if (PyFloat_CheckExact(value) && PyFloat_AS_DOUBLE(value) == PyFloat_AS_DOUBLE(value))
            v = PyFloat_AS_DOUBLE(value);
        else
            goto unsupported;
        uint64_t k[2];
        if (!make_key(PyUnicode_KIND(key), PyUnicode_DATA(key), 0, PyUnicode_GET_LENGTH(key), -1, 0, k))
            continue; /* looked up in the dict */
        keys[nkeys].k0 = k[0];
        keys[nkeys].k1 = k[1];
        keys[nkeys].val = v;
        nkeys++;
    }
    /* then into their slots, each one fetched a few keys ahead: the build
     * waits on memory, not on the hashing */
#define AHEAD 16
    for (Py_ssize_t j = 0; j < nkeys; j++) {
#if defined(__GNUC__)
        if (j + AHEAD < nkeys)
            __builtin_prefetch(&ct->slots[key_hash(keys[j + AHEAD].k0, keys[j + AHEAD].k1) & ct->mask], 1);
#endif
        size_t i = key_hash(keys[j].k0, keys[j].k1) & ct->mask;
        while (ct->slots[i].k0 != 0 || ct->slots[i].k1 != 0)
            i = (i + 1) & ct->mask;
        ct->slots[i] = keys[j];
    }
    ct->stored = nkeys;
    PyMem_Free(keys);
    keys = NULL;
    if (PyDict_GET_SIZE(table) != size)
        goto unsupported;
    Py_INCREF(table);
    ct->table = table;
    PyObject *capsule = PyCapsule_New(ct, CAPSULE, compact_free);
    if (capsule == NULL) {
        Py_DECREF(table);
        slots_free(ct);
        PyMem_Free(ct);
    }
    return capsule;
unsupported:
    PyMem_Free(keys);
    slots_free(ct);
    PyMem_Free(ct);
    Py_RETURN_NONE;
}

static PyObject *
compact_info(PyObject *module, PyObject *capsule)
{
    Compact *ct = PyCapsule_GetPointer(capsule, CAPSULE);
    if (ct == NULL)
        return NULL;
    size_t slots = ct->mask + 1;
    return Py_BuildValue("(nnn)", ct->stored, (Py_ssize_t)slots, (Py_ssize_t)(slots * sizeof(Slot) + sizeof(Compact)));
}

/* the compact table of `table` from the argument `o` (None or a capsule), or
 * NULL: none given, or one built from another dict or from this one at
 * another size (-1 with an exception: not a capsule of this module) */
static int
compact_of(PyObject *o, PyObject *table, const Compact **out)
{
    *out = NULL;
    if (o == Py_None)
        return 0;
    Compact *ct = PyCapsule_GetPointer(o, CAPSULE);
    if (ct == NULL)
        return -1;
    if (ct->table == table && PyDict_GET_SIZE(table) == ct->size)
        *out = ct;
    return 0;
}

/* A string and the table to look its substrings up in: the text is `str`,
 * or `str` with ch at p (0 <= p; `made` built on first need) */
typedef struct {
    PyObject *table;
    const Compact *ct;
    PyObject *str, *c, *made;
    int kind;
    const void *data;
    Py_ssize_t p;
    Py_UCS4 ch;
} Text;

static void
text_init(Text *t, PyObject *table, const Compact *ct, PyObject *str, Py_ssize_t p, PyObject *c)
{
    t->table = table;
    t->ct = ct;
    t->str = str;
    t->c = c;
    t->made = NULL;
    t->kind = PyUnicode_KIND(str);
    t->data = PyUnicode_DATA(str);
    t->p = p;
    t->ch = p >= 0 ? PyUnicode_READ_CHAR(c, 0) : 0;
}

static PyObject *replaced(PyObject *window, Py_ssize_t p, PyObject *c);

/* text[a:b] as a new str */
static PyObject *
text_sub(Text *t, Py_ssize_t a, Py_ssize_t b)
{
    if (t->p < 0)
        return PyUnicode_Substring(t->str, a, b);
    if (t->made == NULL && (t->made = replaced(t->str, t->p, t->c)) == NULL)
        return NULL;
    return PyUnicode_Substring(t->made, a, b);
}

static void
text_done(Text *t)
{
    Py_CLEAR(t->made);
}

static int lookup(PyObject *table, PyObject *key, double *lp);

/* lookup() of text[a:b]; *sub the str when one was made (the caller's
 * reference), else NULL */
static int
text_lookup(Text *t, Py_ssize_t a, Py_ssize_t b, double *lp, PyObject **sub)
{
    uint64_t k[2];
    *sub = NULL;
    if (t->ct != NULL && make_key(t->kind, t->data, a, b, t->p, t->ch, k))
        return compact_lookup(t->ct, k, lp);
    PyObject *w = text_sub(t, a, b);
    if (w == NULL)
        return ERR;
    int r = lookup(t->table, w, lp);
    if (r < 0)
        Py_DECREF(w);
    else
        *sub = w;
    return r;
}

/* whether text[a:b] (sub when made) is in banned: 1, 0, ERR */
static int
text_banned(Text *t, Py_ssize_t a, Py_ssize_t b, PyObject *sub, PyObject *banned)
{
    if (sub != NULL)
        return PySet_Contains(banned, sub);
    PyObject *w = text_sub(t, a, b);
    if (w == NULL)
        return ERR;
    int in = PySet_Contains(banned, w);
    Py_DECREF(w);
    return in;
}

/* WordModel.char_logp of text[i] */
static int
char_logp(Text *t, Py_ssize_t i, double *out)
{
    PyObject *sub;
    double lp = 0.0;
    int r = text_lookup(t, i, i + 1, &lp, &sub);
    Py_XDECREF(sub);
    if (r < 0)
        return r;
    *out = r == 1 ? lp : UNKNOWN_LOGP;
    return 0;
}

/* The look-ups of the old window's substrings, shared by the segments of
 * one call: text[i:i + len] for len <= MAX_WORD.  state: -1 not yet looked
 * up, 2 missing, 0 a prefix only or banned, 1 a word (val) */
#define CACHED 24
typedef struct {
    Text *text;
    PyObject *banned;
    int have_banned, cached;
    signed char state[CACHED][MAX_WORD + 1];
    double val[CACHED][MAX_WORD + 1];
} Seen;

static int
seen_lookup(Seen *s, Py_ssize_t i, Py_ssize_t len, double *lp)
{
    if (s->cached && s->state[i][len] >= 0) {
        *lp = s->val[i][len];
        return s->state[i][len];
    }
    PyObject *w;
    int r = text_lookup(s->text, i, i + len, lp, &w);
    if (len == 1 && r == 2)
        r = 0; /* a missing character: UNKNOWN_LOGP, as for a prefix */
    if (r == 1 && s->have_banned && len > 1) {
        int in = text_banned(s->text, i, i + len, w, s->banned);
        if (in < 0)
            r = ERR;
        else if (in)
            r = 0;
    }
    Py_XDECREF(w);
    if (r >= 0 && s->cached) {
        s->state[i][len] = (signed char)r;
        s->val[i][len] = *lp;
    }
    return r;
}

/* WordModel.logprob(text[a:b], banned) for 0 < b - a <= MAX_WORD: the sums
 * of WordModel._suffix_logprobs, in its order */
static int
seg_logprob(Seen *seen, Py_ssize_t a, Py_ssize_t b, double *res)
{
    Py_ssize_t n = b - a;
    double out[MAX_WORD + 1];
    out[n] = 0.0;
    for (Py_ssize_t i = n - 1; i >= 0; i--) {
        double lp = 0.0, best;
        int r = seen_lookup(seen, a + i, 1, &lp);
        if (r < 0)
            return r;
        best = (r == 1 ? lp : UNKNOWN_LOGP) + out[i + 1];
        Py_ssize_t stop = i + MAX_WORD < n ? i + MAX_WORD : n;
        for (Py_ssize_t j = i + 2; j <= stop; j++) {
            r = seen_lookup(seen, a + i, j - i, &lp);
            if (r < 0)
                return r;
            if (r == 2)
                break;
            if (r == 1) {
                double s = lp + out[j];
                if (s > best)
                    best = s;
            }
        }
        out[i] = best;
    }
    *res = out[0];
    return 0;
}

static int
as_index(PyObject *o, Py_ssize_t *out)
{
    if (!PyLong_CheckExact(o))
        return UNSUPPORTED;
    Py_ssize_t v = PyLong_AsSsize_t(o);
    if (v == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return UNSUPPORTED;
    }
    *out = v;
    return 0;
}

/* window[:p] + c + window[p + 1:] */
static PyObject *
replaced(PyObject *window, Py_ssize_t p, PyObject *c)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(window);
    PyObject *head = PyUnicode_Substring(window, 0, p), *tail = NULL, *mid = NULL, *out = NULL;
    if (head == NULL)
        return NULL;
    tail = PyUnicode_Substring(window, p + 1, n);
    if (tail != NULL)
        mid = PyUnicode_Concat(head, c);
    if (mid != NULL)
        out = PyUnicode_Concat(mid, tail);
    Py_DECREF(head);
    Py_XDECREF(tail);
    Py_XDECREF(mid);
    return out;
}

/* the old segments' log probabilities of one window, by (p - a, b - p),
 * for a batch of bounds at one place (bounds_of): a C array where
 * word_gain_bound's memo is a dict of tuples */
typedef struct {
    signed char set[MAX_WORD][MAX_WORD + 1];
    double val[MAX_WORD][MAX_WORD + 1];
} SegMemo;

static int
bound(PyObject *window, Py_ssize_t p, PyObject *c, PyObject *table, const Compact *ct, PyObject *banned, PyObject *memo, SegMemo *cmemo, Py_ssize_t *starts, Py_ssize_t nstarts, double *res)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(window);
    /* word_gain_bound asks `w not in banned` even when it is empty: the same answer */
    int have_banned = PySet_GET_SIZE(banned) > 0;
    double lc = 0.0, lo = 0.0, best;
    int r;
    Text old, new, one;
    text_init(&old, table, ct, window, -1, NULL);
    text_init(&new, table, ct, window, p, c);
    text_init(&one, table, ct, c, -1, NULL);
    if ((r = char_logp(&one, 0, &lc)) < 0 || (r = char_logp(&old, p, &lo)) < 0)
        goto done;
    best = lc - lo;
    /* the memo's values are those of WordModel.logprob, which skips the
     * banned test when banned is empty: the same result either way */
    Seen seen;
    seen.text = &old;
    seen.banned = banned;
    seen.have_banned = have_banned;
    seen.cached = n <= CACHED;
    if (seen.cached)
        memset(seen.state, -1, sizeof seen.state);
    for (Py_ssize_t k = 0; k < nstarts; k++) {
        Py_ssize_t a = starts[k];
        Py_ssize_t stop = n < a + MAX_WORD ? n : a + MAX_WORD;
        for (Py_ssize_t b = a == p ? a + 2 : p + 1; b <= stop; b++) {
            double lp = 0.0;
            PyObject *w;
            r = text_lookup(&new, a, b, &lp, &w);
            if (r == 1 && have_banned) {
                int in = text_banned(&new, a, b, w, banned);
                if (in < 0)
                    r = ERR;
                else if (in)
                    r = 0;
            }
            Py_XDECREF(w);
            if (r < 0)
                goto done;
            if (r == 2)
                break;
            if (r == 0)
                continue;
            /* old = old_segs.get((a, b)), computed and stored when absent */
            double oldlp = 0.0;
            if (cmemo != NULL) { /* p - a < MAX_WORD, 0 < b - p <= MAX_WORD: starts_of and stop */
                if (!cmemo->set[p - a][b - p]) {
                    if ((r = seg_logprob(&seen, a, b, &cmemo->val[p - a][b - p])) < 0)
                        goto done;
                    cmemo->set[p - a][b - p] = 1;
                }
                oldlp = cmemo->val[p - a][b - p];
                double g = lp - oldlp;
                if (g > best)
                    best = g;
                continue;
            }
            PyObject *key = Py_BuildValue("(nn)", a, b);
            if (key == NULL) {
                r = ERR;
                goto done;
            }
            PyObject *v = PyDict_GetItemWithError(memo, key);
            if (v == NULL && PyErr_Occurred()) {
                Py_DECREF(key);
                r = ERR;
                goto done;
            }
            if (v == NULL || v == Py_None) {
                r = seg_logprob(&seen, a, b, &oldlp);
                PyObject *f = r < 0 ? NULL : PyFloat_FromDouble(oldlp);
                if (f == NULL || PyDict_SetItem(memo, key, f) < 0) {
                    Py_XDECREF(f);
                    Py_DECREF(key);
                    if (r >= 0)
                        r = ERR;
                    goto done;
                }
                Py_DECREF(f);
            }
            else if (PyFloat_CheckExact(v)) {
                oldlp = PyFloat_AS_DOUBLE(v);
            }
            else {
                Py_DECREF(key);
                r = UNSUPPORTED;
                goto done;
            }
            Py_DECREF(key);
            double gain = lp - oldlp;
            if (gain > best)
                best = gain;
        }
    }
    *res = best;
    r = 0;
done:
    text_done(&new);
    return r;
}

/* whether a function got its number of arguments (else TypeError) */
static int
arity(const char *name, Py_ssize_t nargs, Py_ssize_t want)
{
    if (nargs == want)
        return 1;
    PyErr_Format(PyExc_TypeError, "%s takes %zd arguments (%zd given)", name, want, nargs);
    return 0;
}

static PyObject *
word_gain_bound(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (!arity("word_gain_bound", nargs, 8))
        return NULL;
    PyObject *window = args[0], *c = args[2], *table = args[3], *banned = args[4], *memo = args[5], *st = args[6];
    const Compact *ct;
    Py_ssize_t p, n, a;
    Py_ssize_t starts[MAX_WORD];
    Py_ssize_t nstarts = 0;
    if (!PyUnicode_CheckExact(window) || !PyUnicode_CheckExact(c) || PyUnicode_GET_LENGTH(c) != 1 || !PyDict_CheckExact(table)
        || !PyFrozenSet_CheckExact(banned) || !PyDict_CheckExact(memo) || as_index(args[1], &p) < 0)
        Py_RETURN_NOTIMPLEMENTED;
    if (compact_of(args[7], table, &ct) < 0)
        return NULL;
    n = PyUnicode_GET_LENGTH(window);
    if (p < 0 || p >= n)
        Py_RETURN_NOTIMPLEMENTED;
    if (st == Py_None) {
        for (a = p - MAX_WORD + 1 > 0 ? p - MAX_WORD + 1 : 0; a <= p; a++)
            starts[nstarts++] = a;
    }
    else if (PyList_CheckExact(st) || PyTuple_CheckExact(st)) {
        Py_ssize_t m = PySequence_Fast_GET_SIZE(st);
        PyObject **items = PySequence_Fast_ITEMS(st);
        if (m > MAX_WORD)
            Py_RETURN_NOTIMPLEMENTED;
        for (Py_ssize_t k = 0; k < m; k++) {
            /* a start outside [p - MAX_WORD + 1, p] slices the text in ways not copied here */
            if (as_index(items[k], &a) < 0 || a < 0 || a > p || a < p - MAX_WORD + 1)
                Py_RETURN_NOTIMPLEMENTED;
            starts[nstarts++] = a;
        }
    }
    else
        Py_RETURN_NOTIMPLEMENTED;
    double best = 0.0;
    int r = bound(window, p, c, table, ct, banned, memo, NULL, starts, nstarts, &best);
    if (r == ERR)
        return NULL;
    if (r == UNSUPPORTED)
        Py_RETURN_NOTIMPLEMENTED;
    return PyFloat_FromDouble(best);
}

/* the starts of word_starts(window, p) into starts: their number, ERR */
static Py_ssize_t
starts_of(Text *text, Py_ssize_t p, Py_ssize_t *starts)
{
    Py_ssize_t nstarts = 0;
    for (Py_ssize_t s = p - MAX_WORD + 1 > 0 ? p - MAX_WORD + 1 : 0; s <= p; s++) {
        if (s != p) {
            PyObject *w;
            double lp;
            int r = text_lookup(text, s, p, &lp, &w);
            Py_XDECREF(w);
            if (r == ERR)
                return ERR;
            if (r == 2) /* UNSUPPORTED: in the table, whatever its value */
                continue;
        }
        starts[nstarts++] = s;
    }
    return nstarts;
}

static PyObject *
word_starts(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (!arity("word_starts", nargs, 4))
        return NULL;
    PyObject *window = args[0], *table = args[2];
    const Compact *ct;
    Py_ssize_t p;
    if (!PyUnicode_CheckExact(window) || !PyDict_CheckExact(table) || as_index(args[1], &p) < 0)
        Py_RETURN_NOTIMPLEMENTED;
    if (compact_of(args[3], table, &ct) < 0)
        return NULL;
    if (p < 0 || p > PyUnicode_GET_LENGTH(window))
        Py_RETURN_NOTIMPLEMENTED;
    Text text;
    text_init(&text, table, ct, window, -1, NULL);
    Py_ssize_t starts[MAX_WORD], nstarts = starts_of(&text, p, starts);
    if (nstarts == ERR)
        return NULL;
    PyObject *out = PyList_New(nstarts);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t j = 0; j < nstarts; j++) {
        PyObject *i = PyLong_FromSsize_t(starts[j]);
        if (i == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, j, i);
    }
    return out;
}

/* word_gain_bound at p of each of the list chars in window (one memo and
 * the starts shared): a new list, NotImplemented (a new reference) for
 * arguments left to Python, or NULL with an exception */
static PyObject *
bounds_of(PyObject *window, Py_ssize_t p, PyObject *chars, PyObject *table, const Compact *ct, PyObject *banned)
{
    Py_ssize_t starts[MAX_WORD];
    Py_ssize_t nchars = PyList_GET_SIZE(chars);
    if (p < 0 || p >= PyUnicode_GET_LENGTH(window))
        Py_RETURN_NOTIMPLEMENTED;
    for (Py_ssize_t j = 0; j < nchars; j++) {
        PyObject *c = PyList_GET_ITEM(chars, j);
        if (!PyUnicode_CheckExact(c) || PyUnicode_GET_LENGTH(c) != 1)
            Py_RETURN_NOTIMPLEMENTED;
    }
    Text text;
    text_init(&text, table, ct, window, -1, NULL);
    Py_ssize_t nstarts = starts_of(&text, p, starts);
    if (nstarts == ERR)
        return NULL;
    SegMemo memo; /* shared by the characters: the old window's segments */
    memset(memo.set, 0, sizeof memo.set);
    PyObject *out = PyList_New(nchars);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t j = 0; j < nchars; j++) {
        double best = 0.0;
        int r = bound(window, p, PyList_GET_ITEM(chars, j), table, ct, banned, NULL, &memo, starts, nstarts, &best);
        if (r == ERR)
            goto fail;
        if (r == UNSUPPORTED) {
            Py_DECREF(out);
            Py_RETURN_NOTIMPLEMENTED;
        }
        PyObject *f = PyFloat_FromDouble(best);
        if (f == NULL)
            goto fail;
        PyList_SET_ITEM(out, j, f);
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

/* The six arguments (text, position, chars, table, banned, compact) of the
 * word model's calls on one text: 1 when C takes them (the position in
 * *pos, the compact table in *ct), 0 when they are left to Python
 * (NotImplemented), -1 on an error (the compact argument not one of this
 * module's capsules). */
static int
word_call_args(const char *name, PyObject *const *args, Py_ssize_t nargs, Py_ssize_t *pos, const Compact **ct)
{
    if (!arity(name, nargs, 6))
        return -1;
    if (!PyUnicode_CheckExact(args[0]) || !PyList_CheckExact(args[2]) || !PyDict_CheckExact(args[3]) || !PyFrozenSet_CheckExact(args[4])
        || as_index(args[1], pos) < 0)
        return 0;
    return compact_of(args[5], args[3], ct) < 0 ? -1 : 1;
}

static PyObject *
word_gain_bounds(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* word_gain_bounds(window, p, chars, table, banned, compact) */
    const Compact *ct;
    Py_ssize_t p;
    int ok = word_call_args("word_gain_bounds", args, nargs, &p, &ct);
    if (ok <= 0) {
        if (ok < 0)
            return NULL;
        Py_RETURN_NOTIMPLEMENTED;
    }
    return bounds_of(args[0], p, args[2], args[3], ct, args[4]);
}

static PyObject *
word_gain_bounds_many(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* word_gain_bounds_many(text, spans, chars, table, banned, compact):
     * word_gain_bounds of text[a:b] at p for each (a, b, p) of the list
     * spans with the list of chars at the same place: a list of lists, or
     * NotImplemented when one of them is left to Python */
    if (!arity("word_gain_bounds_many", nargs, 6))
        return NULL;
    PyObject *text = args[0], *spans = args[1], *chars = args[2], *table = args[3], *banned = args[4];
    const Compact *ct;
    if (!PyUnicode_CheckExact(text) || !PyList_CheckExact(spans) || !PyList_CheckExact(chars) || !PyDict_CheckExact(table)
        || !PyFrozenSet_CheckExact(banned) || PyList_GET_SIZE(spans) != PyList_GET_SIZE(chars))
        Py_RETURN_NOTIMPLEMENTED;
    if (compact_of(args[5], table, &ct) < 0)
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(spans), len = PyUnicode_GET_LENGTH(text);
    PyObject *out = PyList_New(n);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t q = 0; q < n; q++) {
        PyObject *span = PyList_GET_ITEM(spans, q), *cs = PyList_GET_ITEM(chars, q);
        Py_ssize_t a, b, p;
        if (!PyTuple_CheckExact(span) || PyTuple_GET_SIZE(span) != 3 || !PyList_CheckExact(cs) || as_index(PyTuple_GET_ITEM(span, 0), &a) < 0
            || as_index(PyTuple_GET_ITEM(span, 1), &b) < 0 || as_index(PyTuple_GET_ITEM(span, 2), &p) < 0 || a < 0 || b > len || b <= a) {
            Py_DECREF(out);
            Py_RETURN_NOTIMPLEMENTED;
        }
        PyObject *window = PyUnicode_Substring(text, a, b);
        if (window == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyObject *got = bounds_of(window, p, cs, table, ct, banned);
        Py_DECREF(window);
        if (got == NULL || got == Py_NotImplemented) {
            Py_DECREF(out);
            return got;
        }
        PyList_SET_ITEM(out, q, got);
    }
    return out;
}

/* WordModel._suffix_logprobs of the n characters of t: out[i] for i from
 * last down to 0, out[last + 1 .. n] given (those of a text that differs
 * from t at last only); the same sums in the same order.  0, ERR or
 * UNSUPPORTED */
static int
suffix_logprobs(Text *t, Py_ssize_t n, Py_ssize_t last, PyObject *banned, double *out)
{
    int have_banned = PySet_GET_SIZE(banned) > 0;
    for (Py_ssize_t i = last; i >= 0; i--) {
        PyObject *w;
        double lp = 0.0;
        int r = text_lookup(t, i, i + 1, &lp, &w);
        Py_XDECREF(w);
        if (r < 0)
            return r;
        double best = (r == 1 ? lp : UNKNOWN_LOGP) + out[i + 1];
        Py_ssize_t stop = i + MAX_WORD < n ? i + MAX_WORD : n;
        for (Py_ssize_t j = i + 2; j <= stop; j++) {
            r = text_lookup(t, i, j, &lp, &w);
            if (r == 1 && have_banned) {
                int in = text_banned(t, i, j, w, banned);
                if (in < 0)
                    r = ERR;
                else if (in)
                    r = 0;
            }
            Py_XDECREF(w);
            if (r < 0)
                return r;
            if (r == 2)
                break;
            if (r == 1) {
                double sum = lp + out[j];
                if (sum > best)
                    best = sum;
            }
        }
        out[i] = best;
    }
    return 0;
}

static PyObject *
logprob_variants(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* logprob_variants(text, pos, chars, table, banned, compact):
     * WordModel.logprob_variants, (float, list of floats), the same floats;
     * NotImplemented for arguments left to Python */
    const Compact *ct;
    Py_ssize_t pos;
    int ok = word_call_args("logprob_variants", args, nargs, &pos, &ct);
    if (ok <= 0) {
        if (ok < 0)
            return NULL;
        Py_RETURN_NOTIMPLEMENTED;
    }
    PyObject *str = args[0], *chars = args[2], *table = args[3], *banned = args[4];
    Py_ssize_t n = PyUnicode_GET_LENGTH(str), nchars = PyList_GET_SIZE(chars);
    if (n == 0 || pos < 0 || pos >= n)
        Py_RETURN_NOTIMPLEMENTED;
    for (Py_ssize_t j = 0; j < nchars; j++) {
        PyObject *c = PyList_GET_ITEM(chars, j);
        if (!PyUnicode_CheckExact(c) || PyUnicode_GET_LENGTH(c) != 1)
            Py_RETURN_NOTIMPLEMENTED;
    }
    double local[2 * 65], *done = local, *out;
    if (n > 64 && (done = PyMem_Malloc(2 * (n + 1) * sizeof(double))) == NULL)
        return PyErr_NoMemory();
    out = done + n + 1;
    PyObject *news = NULL, *res = NULL;
    Text text;
    text_init(&text, table, ct, str, -1, NULL);
    done[n] = 0.0;
    int r = suffix_logprobs(&text, n, n - 1, banned, done);
    text_done(&text);
    if (r == UNSUPPORTED)
        goto unsupported;
    if (r < 0 || (news = PyList_New(nchars)) == NULL)
        goto finish;
    for (Py_ssize_t j = 0; j < nchars; j++) {
        memcpy(out, done, (n + 1) * sizeof(double));
        text_init(&text, table, ct, str, pos, PyList_GET_ITEM(chars, j));
        r = suffix_logprobs(&text, n, pos, banned, out);
        text_done(&text);
        if (r == UNSUPPORTED)
            goto unsupported;
        if (r < 0)
            goto finish;
        PyObject *f = PyFloat_FromDouble(out[0]);
        if (f == NULL)
            goto finish;
        PyList_SET_ITEM(news, j, f);
    }
    res = Py_BuildValue("(dO)", done[0], news);
    goto finish;
unsupported:
    Py_INCREF(Py_NotImplemented);
    res = Py_NotImplemented;
finish:
    Py_XDECREF(news);
    if (done != local)
        PyMem_Free(done);
    return res;
}

static PyObject *
covering_words(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* covering_words(text, i, min_len, table, compact): the list of
     * WordModel.covering_words, the same spans in the same order;
     * NotImplemented for arguments left to Python */
    if (!arity("covering_words", nargs, 5))
        return NULL;
    PyObject *str = args[0], *table = args[3];
    const Compact *ct;
    Py_ssize_t i, min_len;
    if (!PyUnicode_CheckExact(str) || !PyDict_CheckExact(table) || as_index(args[1], &i) < 0 || as_index(args[2], &min_len) < 0)
        Py_RETURN_NOTIMPLEMENTED;
    Py_ssize_t n = PyUnicode_GET_LENGTH(str);
    if (i < 0 || i >= n)
        Py_RETURN_NOTIMPLEMENTED;
    if (compact_of(args[4], table, &ct) < 0)
        return NULL;
    Text text;
    text_init(&text, table, ct, str, -1, NULL);
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t a = i - MAX_WORD + 1 > 0 ? i - MAX_WORD + 1 : 0; a <= i; a++) {
        Py_ssize_t stop = a + MAX_WORD < n ? a + MAX_WORD : n;
        for (Py_ssize_t b = a + 1; b <= stop; b++) {
            PyObject *w;
            double lp;
            int r = text_lookup(&text, a, b, &lp, &w);
            Py_XDECREF(w);
            if (r < 0) {
                Py_DECREF(out);
                if (r == UNSUPPORTED)
                    Py_RETURN_NOTIMPLEMENTED;
                return NULL;
            }
            if (r == 2 && b - a > 1)
                break;
            if (r == 1 && b > i && b - a >= min_len) {
                PyObject *span = Py_BuildValue("(nn)", a, b);
                if (span == NULL || PyList_Append(out, span) < 0) {
                    Py_XDECREF(span);
                    Py_DECREF(out);
                    return NULL;
                }
                Py_DECREF(span);
            }
        }
    }
    return out;
}

static inline int
is_han_at(int kind, const void *data, Py_ssize_t k)
{
    Py_UCS4 x = PyUnicode_READ(kind, data, k);
    return x >= 0x4E00 && x <= 0x9FFF;
}

/* py_han_span's span [*a, *b) of the str text (0 <= i < len, width >= 0) */
static void
han_span_of(PyObject *text, Py_ssize_t i, Py_ssize_t width, Py_ssize_t *a, Py_ssize_t *b)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (width > n) /* the same span: the text ends first */
        width = n;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t lo = i, hi = i + 1;
    while (lo > i - width && lo > 0 && is_han_at(kind, data, lo - 1))
        lo--;
    while (hi <= i + width && hi < n && is_han_at(kind, data, hi))
        hi++;
    *a = lo, *b = hi;
}

static PyObject *
han_span(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* han_span(text, i, width): cleaner.typos.model.py_han_span, the same
     * pair; NotImplemented for i outside the text or width below 0 */
    if (!arity("han_span", nargs, 3))
        return NULL;
    PyObject *str = args[0];
    Py_ssize_t i, width;
    if (!PyUnicode_CheckExact(str) || as_index(args[1], &i) < 0 || as_index(args[2], &width) < 0)
        Py_RETURN_NOTIMPLEMENTED;
    Py_ssize_t n = PyUnicode_GET_LENGTH(str);
    if (i < 0 || i >= n || width < 0)
        Py_RETURN_NOTIMPLEMENTED;
    Py_ssize_t a, b;
    han_span_of(str, i, width, &a, &b);
    return Py_BuildValue("(nn)", a, b);
}

/* ---- screen_arrays: cleaner.typos.confusion_rule._screen_arrays ------- */

/* which element type a buffer must hold */
enum { I64, F64, U8, U16 };

/* a 1-d C-contiguous buffer of obj whose items are itemsize bytes of one of
 * the format characters in kinds (writable when asked): 0, or 1 when not
 * (no buffer held) */
static int
get_typed(PyObject *obj, Py_buffer *view, Py_ssize_t itemsize, const char *kinds, int writable)
{
    if (!PyObject_CheckBuffer(obj))
        return 1;
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0)) < 0) {
        PyErr_Clear();
        return 1;
    }
    const char *f = view->format == NULL ? "B" : view->format;
    if (*f == '@' || *f == '=' || *f == '<')
        f++;
    int ok = view->ndim == 1 && view->itemsize == itemsize && f[0] != '\0' && f[1] == '\0' && strchr(kinds, f[0]) != NULL;
    if (!ok) {
        PyBuffer_Release(view);
        return 1;
    }
    return 0;
}

/* uint64 as numpy's buffers name it: 'L' (unsigned long, 8 bytes here) or 'Q' */
#define U64_KINDS (sizeof(unsigned long) == 8 ? "LQ" : "Q")
#define I64_KINDS (sizeof(long) == 8 ? "lq" : "q")

/* a 1-d C-contiguous buffer of obj of the type want (0), or not (1, no
 * buffer held) */
static int
get_array(PyObject *obj, Py_buffer *view, int want)
{
    return want == I64 ? get_typed(obj, view, 8, I64_KINDS, 0) : want == F64 ? get_typed(obj, view, 8, "d", 0) : want == U16 ? get_typed(obj, view, 2, "H", 0) : get_typed(obj, view, 1, "B", 0);
}

/* the buffers of args[0..n) as get_array takes them (want[k] the type of
 * args[k]) into v: how many are held, n when all are (release_typed
 * releases them, however many) */
static int
take_typed(PyObject *const *args, Py_buffer *v, const int *want, int n)
{
    int held = 0;
    while (held < n && get_array(args[held], &v[held], want[held]) == 0)
        held++;
    return held;
}

/* release the first held buffers of v */
static void
release_typed(Py_buffer *v, int held)
{
    for (int j = 0; j < held; j++)
        PyBuffer_Release(&v[j]);
}

/* numpy's minimum of two doubles (NaN propagates; of equal ones, b) */
static inline double
np_minimum(double a, double b)
{
    return (a < b || a != a) ? a : b;
}

/* _PairSets.has for one pair: 1, 0, or -1 when an id is not below width
 * (numpy's sum could still land in the set) or the bit is outside bits */
static inline int
pair_bit(const uint8_t *bits, Py_ssize_t nbits, int64_t width, int64_t a, int64_t b)
{
    if (a < 0 || a >= width || b < 0 || b >= width)
        return -1;
    int64_t flat = a * width + b;
    if ((flat >> 3) >= nbits)
        return -1;
    return (bits[flat >> 3] >> (flat & 7)) & 1;
}

/* the first index of sorted keys[0..n) whose key is not below key (n when
 * none): numpy's searchsorted, side "left" */
#define DEFINE_LOWER_BOUND(name, type)                                  \
    static inline Py_ssize_t name(const type *keys, Py_ssize_t n, type key) \
    {                                                                   \
        Py_ssize_t lo = 0, hi = n;                                      \
        while (lo < hi) {                                               \
            Py_ssize_t mid = lo + (hi - lo) / 2;                        \
            if (keys[mid] < key)                                        \
                lo = mid + 1;                                           \
            else                                                        \
                hi = mid;                                               \
        }                                                               \
        return lo;                                                      \
    }
DEFINE_LOWER_BOUND(lower_bound_i64, int64_t)
DEFINE_LOWER_BOUND(lower_bound_u64, uint64_t)

/* lower_bound_u64 and lower_bound_i64 for long runs of keys: branch-free,
 * the two keys the next step may read fetched while this one compares, so
 * that the search's cache misses overlap (the same index) */
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)0)
#endif
#define DEFINE_LOWER_BOUND_FAR(name, type)                                  \
    static inline Py_ssize_t name(const type *keys, Py_ssize_t n, type key) \
    {                                                                       \
        if (n <= 0)                                                         \
            return 0;                                                       \
        const type *base = keys;                                            \
        while (n > 1) {                                                     \
            Py_ssize_t half = n / 2, rest = n - half;                       \
            PREFETCH(base + rest / 2);                                      \
            PREFETCH(base + half + rest / 2);                               \
            base = base[half] < key ? base + half : base;                   \
            n = rest;                                                       \
        }                                                                   \
        return (base - keys) + (*base < key);                               \
    }
DEFINE_LOWER_BOUND_FAR(lower_bound_u64_far, uint64_t)
DEFINE_LOWER_BOUND_FAR(lower_bound_i64_far, int64_t)

/* _PairSets.bigram_lps for one pair (search_positions: the first key not
 * below it, at most the last) */
static inline double
pair_lp(const int64_t *keys, const double *lps, Py_ssize_t n, int64_t key)
{
    Py_ssize_t lo = lower_bound_i64(keys, n, key);
    return lps[lo < n ? lo : n - 1];
}

#define CHANNEL_COST 4.0
#define CHANNEL_SLOPE 40.0
#define ESTIMATE_SLACK 8.0

/* the arrays of screen_arrays, in argument order */
enum { A_CP, A_IDS, A_SUSPECTS, A_SLOTS, A_COUNT, A_START, A_TOP, A_CLP, A_SIM, A_NB, A_PIDS, A_BITS, A_KEYS, A_LPS, A_CHARS, N_ARRAYS };
static const int array_arg[N_ARRAYS] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 15, 16};
static const int array_type[N_ARRAYS] = {I64, I64, I64, I64, I64, I64, F64, F64, F64, I64, I64, U8, I64, F64, F64};

#define LEN(a) (v[a].len / v[a].itemsize)
#define I(a) ((const int64_t *)v[a].buf)
#define D(a) ((const double *)v[a].buf)

static PyObject *
screen_arrays(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (!arity("screen_arrays", nargs, 18))
        return NULL;
    Py_buffer v[N_ARRAYS];
    int held = 0, r = 0;
    PyObject *out = NULL;
    int64_t *kept = NULL, *group = NULL, *nbs = NULL, *order = NULL;
    double *tops = NULL, *sims = NULL;
    if (!PyFloat_CheckExact(args[10]) || !PyFloat_CheckExact(args[17]) || !PyLong_CheckExact(args[13]))
        Py_RETURN_NOTIMPLEMENTED;
    double best_pair = PyFloat_AS_DOUBLE(args[10]), floor_ = PyFloat_AS_DOUBLE(args[17]);
    int64_t width = PyLong_AsLongLong(args[13]);
    if (width == -1 && PyErr_Occurred())
        PyErr_Clear();
    if (width <= 0 || width > ((int64_t)1 << 31))
        Py_RETURN_NOTIMPLEMENTED;
    for (; held < N_ARRAYS; held++) {
        r = get_array(args[array_arg[held]], &v[held], array_type[held]);
        if (r != 0)
            break;
    }
    if (r != 0)
        goto unsupported;
    Py_ssize_t n = LEN(A_CP), ns = LEN(A_SUSPECTS), nrows = LEN(A_TOP), npairs = LEN(A_SIM);
    Py_ssize_t nbits = LEN(A_BITS), nkeys = LEN(A_KEYS), nchars = LEN(A_CHARS);
    if (LEN(A_IDS) != n || LEN(A_SLOTS) != ns || LEN(A_COUNT) != nrows || LEN(A_START) != nrows || LEN(A_CLP) != nrows
        || LEN(A_NB) != npairs || LEN(A_PIDS) != npairs || nkeys == 0 || LEN(A_LPS) != nkeys || nchars == 0)
        goto unsupported;
    const int64_t *cp = I(A_CP), *ids = I(A_IDS), *suspects = I(A_SUSPECTS), *slots = I(A_SLOTS), *count = I(A_COUNT);
    const int64_t *start = I(A_START), *nb = I(A_NB), *pids = I(A_PIDS), *keys = I(A_KEYS);
    const double *top = D(A_TOP), *c_lp = D(A_CLP), *sim = D(A_SIM), *lps = D(A_LPS), *chars = D(A_CHARS);
    const uint8_t *bits = (const uint8_t *)v[A_BITS].buf;
    /* every index checked first: numpy wraps negative ones or raises */
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < ns; i++) {
        int64_t s = suspects[i], slot = slots[i];
        if (s < 0 || s >= n || slot < 0 || slot >= nrows || count[slot] < 0 || start[slot] < 0 || start[slot] > npairs - count[slot])
            goto unsupported;
        if (cp[s > 0 ? s - 1 : 0] < 0 || cp[s + 1 < n ? s + 1 : n - 1] < 0)
            goto unsupported;
        total += count[slot];
    }
    kept = PyMem_Malloc((ns + 1) * sizeof(int64_t));
    tops = PyMem_Malloc((ns + 1) * sizeof(double));
    group = PyMem_Malloc((total + 1) * sizeof(int64_t));
    nbs = PyMem_Malloc((total + 1) * sizeof(int64_t));
    sims = PyMem_Malloc((total + 1) * sizeof(double));
    order = PyMem_Malloc((total + 1) * sizeof(int64_t)); /* a suspect's right-only look-alikes */
    if (kept == NULL || tops == NULL || group == NULL || nbs == NULL || sims == NULL || order == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t nkept = 0, nout = 0;
    for (Py_ssize_t i = 0; i < ns; i++) {
        int64_t s = suspects[i], slot = slots[i], deg = count[slot], st = start[slot];
        int has_left = s > 0, has_right = s + 1 < n;
        int64_t la = has_left ? s - 1 : 0, ra = has_right ? s + 1 : n - 1;
        double t = top[slot], c = c_lp[slot];
        double lc = has_left ? c + (cp[la] < nchars ? chars[cp[la] < nchars - 1 ? cp[la] : nchars - 1] : UNKNOWN_LOGP) : 0.0;
        double rc = has_right ? c + (cp[ra] < nchars ? chars[cp[ra] < nchars - 1 ? cp[ra] : nchars - 1] : UNKNOWN_LOGP) : 0.0;
        double reach = t - ((((best_pair - np_minimum(lc, rc)) - CHANNEL_COST) - floor_) + ESTIMATE_SLACK) / CHANNEL_SLOPE;
        int64_t left_id = ids[la], right_id = ids[ra];
        Py_ssize_t first = nout, nright = 0;
        for (int64_t k = st; k < st + deg; k++) {
            if (!(sim[k] >= reach))
                continue;
            int64_t x = pids[k];
            int lb = pair_bit(bits, nbits, width, left_id, x), rb = pair_bit(bits, nbits, width, x, right_id);
            if (lb < 0 || rb < 0)
                goto unsupported;
            if (has_left && lb) {
                double lp = pair_lp(keys, lps, nkeys, left_id * width + x);
                double est = ((lp - lc) - CHANNEL_COST) - CHANNEL_SLOPE * (t - sim[k]);
                if (est + ESTIMATE_SLACK >= floor_) {
                    nbs[nout] = nb[k];
                    sims[nout++] = sim[k];
                    continue;
                }
            }
            if (has_right && rb) {
                double lp = pair_lp(keys, lps, nkeys, x * width + right_id);
                double est = ((lp - rc) - CHANNEL_COST) - CHANNEL_SLOPE * (t - sim[k]);
                if (est + ESTIMATE_SLACK >= floor_)
                    order[nright++] = k;
            }
        }
        /* the left neighbour's look-alikes first, then the right's */
        for (Py_ssize_t j = 0; j < nright; j++) {
            nbs[nout] = nb[order[j]];
            sims[nout++] = sim[order[j]];
        }
        if (nout > first) {
            for (Py_ssize_t j = first; j < nout; j++)
                group[j] = nkept;
            kept[nkept] = s;
            tops[nkept++] = t;
        }
    }
    /* bytearrays: numpy's views of them are writable, as the arrays numpy makes */
    out = PyTuple_New(5);
    if (out == NULL)
        goto done;
    const void *parts[5] = {kept, tops, group, nbs, sims};
    Py_ssize_t sizes[5] = {nkept, nkept, nout, nout, nout};
    for (int j = 0; j < 5; j++) {
        PyObject *b = PyByteArray_FromStringAndSize((const char *)parts[j], sizes[j] * 8);
        if (b == NULL) {
            Py_CLEAR(out);
            goto done;
        }
        PyTuple_SET_ITEM(out, j, b);
    }
    goto done;
unsupported:
    Py_INCREF(Py_NotImplemented);
    out = Py_NotImplemented;
done:
    PyMem_Free(kept);
    PyMem_Free(tops);
    PyMem_Free(group);
    PyMem_Free(nbs);
    PyMem_Free(sims);
    PyMem_Free(order);
    release_typed(v, held);
    return out;
}

#undef LEN
#undef I
#undef D


/* ---- n-gram look-ups: cleaner.typos.charmodel.CharModel ------------------ */

/* the model's sorted keys, its Bloom filter and where each run of keys of
 * one order and first id begins (radix[(k - 1) * 4097 + x]: searchsorted of
 * k << 60 | x << 12 (k - 1), x = 0..4096; CharModel._c_table), and the
 * fence: every CM_FENCE-th key (keys[CM_FENCE * f], after the radix in the
 * same array; none when absent) */
typedef struct {
    const uint64_t *keys;
    Py_ssize_t nkeys;
    const uint8_t *filter;
    int bits;
    const int64_t *radix;
    const uint64_t *fence;
    Py_ssize_t nfence;
} NgramTable;

#define CM_FENCE 8

#define CM_BITS 12
#define CM_ORDER_SHIFT 60
#define CM_RADIX_ORDERS 5
#define CM_IDS 4096
/* CharModel._c_middles: where the middles of each bucket of pairs begin,
 * a bucket per left id and top CM_MID_SPLIT bits of the right id (the
 * pair's key >> (CM_BITS - CM_MID_SPLIT)), and the end */
#define CM_MID_SPLIT 6
#define CM_MID_BUCKETS ((Py_ssize_t)CM_IDS << CM_MID_SPLIT)
#define MID_BUCKET(key) ((key) >> (CM_BITS - CM_MID_SPLIT))

/* the Bloom filter's bits (filter_has), then the search of
 * CharModel._find (searchsorted left, at most the last) within the run of
 * the key's order and first id (the same index: a stored key lies in its
 * run): the key's index in keys, or -1 */
/* CharModel._filter: the word holding key's bits (charmodel._filter_word)
 * and its three bits there (charmodel._filter_mask) */
static inline const uint64_t *
filter_word(const NgramTable *tb, uint64_t key)
{
    return (const uint64_t *)tb->filter + ((key * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - (tb->bits - 6)));
}

static inline uint64_t
filter_mask(const NgramTable *tb, uint64_t key)
{
    uint64_t rest = (key * UINT64_C(0x9E3779B97F4A7C15)) << (tb->bits - 6);
    return (UINT64_C(1) << (rest >> 58)) | (UINT64_C(1) << ((rest >> 52) & 63)) | (UINT64_C(1) << ((rest >> 46) & 63));
}

static inline int
filter_has(const NgramTable *tb, uint64_t key)
{
    uint64_t mask = filter_mask(tb, key);
    return (*filter_word(tb, key) & mask) == mask;
}

static inline int64_t
ngram_index(const NgramTable *tb, uint64_t key)
{
    if (tb->nkeys == 0)
        return -1;
    if (!filter_has(tb, key))
        return -1;
    uint64_t k = key >> CM_ORDER_SHIFT, x = k >= 1 && k <= CM_RADIX_ORDERS ? (key & ((UINT64_C(1) << CM_ORDER_SHIFT) - 1)) >> (CM_BITS * (k - 1)) : CM_IDS;
    Py_ssize_t lo = 0, hi = tb->nkeys;
    if (x < CM_IDS) {
        lo = tb->radix[(k - 1) * (CM_IDS + 1) + x];
        hi = tb->radix[(k - 1) * (CM_IDS + 1) + x + 1];
    }
    if (lo < 0 || hi > tb->nkeys || hi < lo) /* not CharModel._radix: stay inside keys */
        lo = 0, hi = tb->nkeys;
    if (tb->nfence) { /* the fence's entries in the run (an eighth of the keys: their search misses the cache less), then one block */
        Py_ssize_t flo = (lo + CM_FENCE - 1) / CM_FENCE, fhi = (hi + CM_FENCE - 1) / CM_FENCE;
        Py_ssize_t below = lower_bound_u64_far(tb->fence + flo, fhi - flo, key + 1); /* the fence's keys up to key */
        if (below > 0) { /* the key lies from the last of them on, before the next (or the run's end) */
            Py_ssize_t a = (flo + below - 1) * CM_FENCE, b = (flo + below) * CM_FENCE;
            lo = a;
            hi = b < hi ? b : hi;
        }
        else /* before the run's first fence key */
            hi = flo * CM_FENCE < hi ? flo * CM_FENCE : hi;
    }
    Py_ssize_t at = lo + lower_bound_u64_far(tb->keys + lo, hi - lo, key);
    return at < hi && tb->keys[at] == key ? (int64_t)at : -1;
}

/* ngram_index of each of count keys into out, CM_GROUP keys at a time: the
 * filter's bytes of a group fetched together, then its searches through the
 * fence step by step side by side (each step's next keys fetched), then the
 * blocks: the cache misses of the group's keys overlap where one key's
 * search waits for each of its own (the same indices) */
/* (16: with groups of 8, gain_probs and proposals took 3-4 % more time on
 * unseen news, each group waiting on its slowest miss) */
#define CM_GROUP 16
static void
ngram_index_many(const NgramTable *tb, const uint64_t *keys, int64_t *out, Py_ssize_t count)
{
    for (Py_ssize_t g = 0; g < count; g += CM_GROUP) {
        int m = count - g < CM_GROUP ? (int)(count - g) : CM_GROUP;
        const uint64_t *key = keys + g;
        Py_ssize_t lo[CM_GROUP], hi[CM_GROUP], flo[CM_GROUP], left[CM_GROUP];
        const uint64_t *base[CM_GROUP];
        int live[CM_GROUP];
        if (tb->nkeys == 0) {
            for (int q = 0; q < m; q++)
                out[g + q] = -1;
            continue;
        }
        for (int q = 0; q < m; q++)
            if (key[q] >> CM_ORDER_SHIFT != 1)
                PREFETCH(filter_word(tb, key[q]));
        for (int q = 0; q < m; q++) {
            out[g + q] = -1;
            uint64_t low = key[q] & ((UINT64_C(1) << CM_ORDER_SHIFT) - 1);
            if (key[q] >> CM_ORDER_SHIFT == 1 && low < CM_IDS) { /* a unigram: its run of the radix holds at most its own key,
                                                                    in the table's first cache lines (no read of the filter's 2 MB) */
                Py_ssize_t a = tb->radix[low], b = tb->radix[low + 1];
                if (a >= 0 && a <= b && b - a <= 1 && b <= tb->nkeys) {
                    out[g + q] = a < b && tb->keys[a] == key[q] ? (int64_t)a : -1;
                    live[q] = 0;
                    continue;
                }
            }
            live[q] = filter_has(tb, key[q]);
            if (!live[q])
                continue;
            uint64_t k = key[q] >> CM_ORDER_SHIFT, x = k >= 1 && k <= CM_RADIX_ORDERS ? (key[q] & ((UINT64_C(1) << CM_ORDER_SHIFT) - 1)) >> (CM_BITS * (k - 1)) : CM_IDS;
            lo[q] = 0, hi[q] = tb->nkeys;
            if (x < CM_IDS) {
                lo[q] = tb->radix[(k - 1) * (CM_IDS + 1) + x];
                hi[q] = tb->radix[(k - 1) * (CM_IDS + 1) + x + 1];
            }
            if (lo[q] < 0 || hi[q] > tb->nkeys || hi[q] < lo[q]) /* not CharModel._radix: stay inside keys */
                lo[q] = 0, hi[q] = tb->nkeys;
            flo[q] = (lo[q] + CM_FENCE - 1) / CM_FENCE;
            base[q] = tb->fence + flo[q];
            left[q] = tb->nfence ? (hi[q] + CM_FENCE - 1) / CM_FENCE - flo[q] : 0;
        }
        if (tb->nfence) {
            for (int more = 1; more;) { /* lower_bound_u64_far of key + 1 in the run's fence keys, side by side */
                more = 0;
                for (int q = 0; q < m; q++)
                    if (live[q] && left[q] > 1) {
                        Py_ssize_t half = left[q] / 2, rest = left[q] - half;
                        PREFETCH(base[q] + rest / 2);
                        PREFETCH(base[q] + half + rest / 2);
                        base[q] = base[q][half] < key[q] + 1 ? base[q] + half : base[q];
                        left[q] = rest;
                        more = 1;
                    }
            }
            for (int q = 0; q < m; q++) {
                if (!live[q])
                    continue;
                Py_ssize_t below = left[q] <= 0 ? 0 : (base[q] - (tb->fence + flo[q])) + (*base[q] < key[q] + 1);
                if (below > 0) { /* as ngram_index */
                    Py_ssize_t a = (flo[q] + below - 1) * CM_FENCE, b = (flo[q] + below) * CM_FENCE;
                    lo[q] = a;
                    hi[q] = b < hi[q] ? b : hi[q];
                }
                else
                    hi[q] = flo[q] * CM_FENCE < hi[q] ? flo[q] * CM_FENCE : hi[q];
                PREFETCH(tb->keys + lo[q]);
            }
        }
        for (int q = 0; q < m; q++)
            if (live[q]) {
                Py_ssize_t at = lo[q] + lower_bound_u64_far(tb->keys + lo[q], hi[q] - lo[q], key[q]);
                out[g + q] = at < hi[q] && tb->keys[at] == key[q] ? (int64_t)at : -1;
            }
    }
}

/* lower_bound_i64_far of key[q] in keys[lo[q], hi[q]) for each of count
 * searches into out (indices into keys), CM_GROUP at a time side by side
 * (as ngram_index_many: the cache misses of a group's searches overlap;
 * the same indices) */
static void
lower_bound_i64_many(const int64_t *keys, const Py_ssize_t *lo, const Py_ssize_t *hi, const int64_t *key, Py_ssize_t *out, Py_ssize_t count)
{
    for (Py_ssize_t g = 0; g < count; g += CM_GROUP) {
        int m = count - g < CM_GROUP ? (int)(count - g) : CM_GROUP;
        const int64_t *base[CM_GROUP];
        Py_ssize_t left[CM_GROUP];
        for (int q = 0; q < m; q++) {
            base[q] = keys + lo[g + q];
            left[q] = hi[g + q] - lo[g + q];
        }
        for (int more = 1; more;) {
            more = 0;
            for (int q = 0; q < m; q++)
                if (left[q] > 1) {
                    Py_ssize_t half = left[q] / 2, rest = left[q] - half;
                    PREFETCH(base[q] + rest / 2);
                    PREFETCH(base[q] + half + rest / 2);
                    base[q] = base[q][half] < key[g + q] ? base[q] + half : base[q];
                    left[q] = rest;
                    more = 1;
                }
        }
        for (int q = 0; q < m; q++)
            out[g + q] = left[q] <= 0 ? lo[g + q] : (base[q] - keys) + (*base[q] < key[g + q]);
    }
}

/* fetch the Bloom filter's word of key (of order k) into the cache */
static inline void
ngram_prefetch(const NgramTable *tb, uint64_t key, int k)
{
    if (tb->nkeys == 0)
        return;
    PREFETCH(filter_word(tb, key | ((uint64_t)k << CM_ORDER_SHIFT)));
}

/* the bits argument: 10..63 and the filter 1 << (bits - 3) bytes (read as
 * 64-bit words: filter_word); else -1 */
static int
filter_bits(PyObject *obj, Py_ssize_t filter_len)
{
    if (!PyLong_CheckExact(obj))
        return -1;
    long bits = PyLong_AsLong(obj);
    if (bits == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return -1;
    }
    if (bits < 10 || bits > 63 || filter_len != ((Py_ssize_t)1 << (bits - 3)))
        return -1;
    return (int)bits;
}

/* the table of args[0..3] (keys, filter, bits, radix) in tb, its three
 * buffers held in v: 0, or 1 when they are not of the types handled (none
 * held) */
static int
get_table(PyObject *const *args, Py_buffer *v, NgramTable *tb)
{
    if (get_typed(args[0], &v[0], 8, U64_KINDS, 0) != 0)
        return 1;
    if (get_typed(args[1], &v[1], 1, "B", 0) != 0) {
        PyBuffer_Release(&v[0]);
        return 1;
    }
    if (get_typed(args[3], &v[2], 8, I64_KINDS, 0) != 0) {
        PyBuffer_Release(&v[0]);
        PyBuffer_Release(&v[1]);
        return 1;
    }
    tb->keys = v[0].buf;
    tb->nkeys = v[0].len / 8;
    tb->filter = v[1].buf;
    if (((uintptr_t)tb->filter & 7) != 0) { /* read as 64-bit words */
        release_typed(v, 3);
        return 1;
    }
    tb->bits = filter_bits(args[2], v[1].len);
    tb->radix = v[2].buf;
    Py_ssize_t nradix = CM_RADIX_ORDERS * (CM_IDS + 1), extra = v[2].len / 8 - nradix;
    tb->fence = (const uint64_t *)(tb->radix + nradix);
    tb->nfence = extra == (tb->nkeys + CM_FENCE - 1) / CM_FENCE ? extra : 0;
    if (tb->bits < 0 || extra < 0) {
        release_typed(v, 3);
        return 1;
    }
    return 0;
}

/* get_table of args[0..3] into v[0..2], then the narrays buffers of
 * args[4..] (item sizes and formats, writable from index writable_from on)
 * into v[3..]: the number of buffers held, 3 + narrays when all are */
static int
get_table_arrays(PyObject *const *args, Py_buffer *v, NgramTable *tb, int narrays, const Py_ssize_t *size, const char *const *kinds, int writable_from)
{
    if (get_table(args, v, tb) != 0)
        return 0;
    int held = 3;
    for (; held < 3 + narrays; held++)
        if (get_typed(args[held + 1], &v[held], size[held - 3], kinds[held - 3], held - 3 >= writable_from) != 0)
            break;
    return held;
}

/* out (a new reference) once the first held buffers of v are released */
static PyObject *
released(Py_buffer *v, int held, PyObject *out)
{
    release_typed(v, held);
    Py_INCREF(out);
    return out;
}

static PyObject *
ngram_find(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* ngram_find(keys, filter, bits, radix, query, out) */
    if (!arity("ngram_find", nargs, 6))
        return NULL;
    static const Py_ssize_t size[2] = {8, 8};
    const char *kinds[2] = {U64_KINDS, I64_KINDS};
    Py_buffer v[5];
    NgramTable tb;
    PyObject *out = Py_NotImplemented;
    int held = get_table_arrays(args, v, &tb, 2, size, kinds, 1);
    if (held != 5)
        goto done;
    Py_ssize_t n = v[3].len / 8;
    if (v[4].len / 8 != n)
        goto done;
    const uint64_t *query = v[3].buf;
    int64_t *found = v[4].buf;
    ngram_index_many(&tb, query, found, n);
    out = Py_None;
done:
    return released(v, held, out);
}

#define CM_DISCOUNT 0.75

/* a cell of found not looked up yet: an n-gram is looked up only when the
 * interpolation reads it (it stops at the first order whose context the
 * corpus never writes: most high-order n-grams of a row are never read) */
#define CM_LAZY (-2)

/* the most rows evaluated side by side by span_probs_side (their states,
 * a row's predicted columns each: CM_SIDE_ROWS * (h + 1) <= 160 at order 5) */
#define CM_SIDE_ROWS 32

/* ngram_index_many of the count keys of cells, each result written to its
 * cell (cell[q] points into found), then the counts, continuations and
 * their sums of those found fetched together: the searches' cache misses
 * overlap, and so do the reads that follow */
static void
resolve_cells(const NgramTable *tb, const uint64_t *keys, int64_t **cell, int count, const uint32_t *counts,
              const uint32_t *follow_n, const uint64_t *follow_s)
{
    int64_t got[CM_SIDE_ROWS * CM_RADIX_ORDERS];
    ngram_index_many(tb, keys, got, count);
    for (int q = 0; q < count; q++) {
        *cell[q] = got[q];
#if defined(__GNUC__)
        if (got[q] >= 0) {
            __builtin_prefetch(counts + got[q]);
            __builtin_prefetch(follow_n + got[q]);
            __builtin_prefetch(follow_s + got[q]);
        }
#endif
    }
}

/* the key of the k-gram ending at column t of row */
static inline uint64_t
cell_key(const int64_t *row, int k, int t)
{
    uint64_t key = 0;
    for (int q = 1; q <= k; q++)
        key = key | ((uint64_t)row[t - q + 1] << (CM_BITS * (q - 1)));
    return key | ((uint64_t)k << CM_ORDER_SHIFT);
}

/* the probabilities of rows r0..r1 (span_probs_rows), evaluated order by
 * order side by side: each round looks up, in one ngram_index_many, the
 * contexts (CM_LAZY cells) that the rows' columns still read at this order,
 * then the n-grams of those whose context is seen (the cells a column reads
 * one after the other, no other: a column stops at the first order whose
 * context the corpus never writes, or at PAD); each column's arithmetic is
 * CharModel._terms' and _interpolate's, in their order (below) */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("fp-contract=off")))
#endif
static void
span_probs_side(const int64_t *rows, Py_ssize_t n, Py_ssize_t r0, Py_ssize_t r1, int h, const NgramTable *tb,
               const uint32_t *counts, const uint32_t *follow_n, const uint64_t *follow_s, double uni_denom, int64_t *found,
               double *out)
{
    int top = h + 1, width = 2 * h + 1, cols = h + 1;
    Py_ssize_t cells = (Py_ssize_t)top * width;
    uint64_t keys[CM_SIDE_ROWS * CM_RADIX_ORDERS];
    int64_t *cell[CM_SIDE_ROWS * CM_RADIX_ORDERS];
    double p[CM_SIDE_ROWS * CM_RADIX_ORDERS], bb[CM_SIDE_ROWS * CM_RADIX_ORDERS], dd[CM_SIDE_ROWS * CM_RADIX_ORDERS];
    unsigned char live[CM_SIDE_ROWS * CM_RADIX_ORDERS];
    for (Py_ssize_t a = r0; a < r1; a += CM_SIDE_ROWS) {
        int nr = r1 - a < CM_SIDE_ROWS ? (int)(r1 - a) : CM_SIDE_ROWS, ns = nr * cols, nq = 0;
#define ROW(s) (rows + (a + (s) / cols) * width)
#define F(s, k, t) (found + (a + (s) / cols) * cells + ((k) - 1) * width + (t))
#define ASK(s, k, t)                                             \
    do {                                                         \
        int64_t *at_ = F(s, k, t);                               \
        if (*at_ == CM_LAZY)                                     \
            keys[nq] = cell_key(ROW(s), (k), (t)), cell[nq++] = at_; \
    } while (0)
        for (int s = 0; s < ns; s++) /* the unigram of each column */
            ASK(s, 1, h + s % cols);
        resolve_cells(tb, keys, cell, nq, counts, follow_n, follow_s);
        for (int s = 0; s < ns; s++) {
            int64_t at = *F(s, 1, h + s % cols);
            double c = at >= 0 ? (double)counts[at] : 0.0;
            p[s] = (c + 0.5) / uni_denom;
            live[s] = 1;
        }
        for (int k = 2; k <= top; k++) {
            nq = 0;
            for (int s = 0; s < ns; s++) { /* the contexts read at order k */
                int t = h + s % cols;
                if (!live[s])
                    continue;
                if (ROW(s)[t - k + 1] == 0) { /* PAD */
                    live[s] = 0;
                    continue;
                }
                ASK(s, k - 1, t - 1);
            }
            resolve_cells(tb, keys, cell, nq, counts, follow_n, follow_s);
            nq = 0;
            for (int s = 0; s < ns; s++) { /* their terms; the n-grams of those seen */
                int t = h + s % cols;
                if (!live[s])
                    continue;
                int64_t ctx = *F(s, k - 1, t - 1);
                double cc = ctx >= 0 ? (double)counts[ctx] : 0.0;
                double nn = ctx >= 0 ? (double)follow_n[ctx] : 0.0;
                double ss = ctx >= 0 ? (double)follow_s[ctx] : 0.0;
                double denom = cc > ss ? cc : ss; /* numpy's maximum (no NaN here) */
                if (!(denom > 0)) {
                    live[s] = 0;
                    continue;
                }
                double b = CM_DISCOUNT * nn;
                double rest = denom - ss;
                bb[s] = b + rest;
                dd[s] = denom;
                ASK(s, k, t);
            }
            resolve_cells(tb, keys, cell, nq, counts, follow_n, follow_s);
            for (int s = 0; s < ns; s++) {
                if (!live[s])
                    continue;
                int64_t full_at = *F(s, k, h + s % cols);
                double fc = full_at >= 0 ? (double)counts[full_at] : 0.0;
                double full = fc - CM_DISCOUNT;
                full = full > 0.0 ? full : 0.0;
                double bp = bb[s] * p[s];
                double num = full + bp;
                p[s] = num / dd[s];
            }
        }
        for (int s = 0; s < ns; s++)
            out[(Py_ssize_t)(s % cols) * n + a + s / cols] = p[s];
#undef ASK
#undef F
#undef ROW
    }
}

/* CharModel._span_probs: the interpolated probability of each predicted
 * column h..2h of each row of rows (new rows then old ones, width 2h + 1),
 * out[(t - h) * n + r]; the terms of _terms and the order of _interpolate,
 * each double operation as numpy does it (no contraction into fused
 * multiply-adds).  A new row reads the n-grams that do not hold column h
 * from its old row (back). */
static void
span_probs_rows(const int64_t *rows, Py_ssize_t n, Py_ssize_t m, const int64_t *back, int h, const NgramTable *tb,
                const uint32_t *counts, const uint32_t *follow_n, const uint64_t *follow_s, double uni_denom, int64_t *found,
                double *out)
{
    int top = h + 1, width = 2 * h + 1;
    Py_ssize_t cells = (Py_ssize_t)top * width;
    /* old rows first, their n-grams looked up when read (most of a row's
     * high orders are not: its interpolation stops at the first context the
     * corpus never writes) */
    for (Py_ssize_t r = m; r < n; r++)
        for (int t = h - 1 > 0 ? h - 1 : 0; t < width; t++)
            for (int k = 1; k <= top && k <= t + 1; k++)
                found[r * cells + (k - 1) * width + t] = CM_LAZY;
    span_probs_side(rows, n, m, n, h, tb, counts, follow_n, follow_s, uni_denom, found, out);
    /* then the new rows: the n-grams that do not hold column h from their
     * old row (back: looked up there, or still CM_LAZY), those that do
     * looked up only when read (CM_LAZY) */
    for (Py_ssize_t r = 0; r < m; r++) {
        int64_t *f = found + r * cells;
        const int64_t *from = found + (m + back[r]) * cells;
        for (int t = h - 1 > 0 ? h - 1 : 0; t < width; t++)
            for (int k = 1; k <= top && k <= t + 1; k++)
                f[(k - 1) * width + t] = t < h || t - k + 1 > h ? from[(k - 1) * width + t] : CM_LAZY;
    }
    span_probs_side(rows, n, 0, m, h, tb, counts, follow_n, follow_s, uni_denom, found, out);
}

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static PyObject *
gain_probs(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* gain_probs(keys, filter, bits, radix, counts, follow_n, follow_s, ids, pos, repl, uni_denom, h) */
    if (!arity("gain_probs", nargs, 12))
        return NULL;
    static const Py_ssize_t size[6] = {4, 4, 8, 8, 8, 8};
    const char *kinds[6] = {"I", "I", U64_KINDS, I64_KINDS, I64_KINDS, I64_KINDS};
    Py_buffer v[9], *w = v + 3;
    NgramTable tb;
    int64_t *found = NULL, *uniq = NULL, *rows = NULL;
    PyObject *p = NULL, *back = NULL, *out = Py_NotImplemented;
    int owned = 0;
    int held = get_table_arrays(args, v, &tb, 6, size, kinds, 6);
    if (held != 9 || !PyFloat_CheckExact(args[10]) || !PyLong_CheckExact(args[11]))
        goto done;
    long h = PyLong_AsLong(args[11]);
    if (h == -1 && PyErr_Occurred())
        PyErr_Clear();
    Py_ssize_t nkeys = tb.nkeys, len = w[3].len / 8, m = w[4].len / 8;
    if (h < 1 || h + 1 > CM_RADIX_ORDERS || w[0].len / 4 != nkeys || w[1].len / 4 != nkeys || w[2].len / 8 != nkeys || w[5].len / 8 != m)
        goto done;
    const int64_t *ids = w[3].buf, *pos = w[4].buf, *repl = w[5].buf;
    for (Py_ssize_t i = 0; i < len; i++) /* _pack's ids: below 4,096 */
        if (ids[i] < 0 || ids[i] >= CM_IDS)
            goto done;
    for (Py_ssize_t j = 0; j < m; j++) /* a position numpy would wrap or refuse is numpy's */
        if (pos[j] < 0 || pos[j] >= len || repl[j] < 0 || repl[j] >= CM_IDS)
            goto done;
    /* np.unique(pos, return_inverse=True) */
    uniq = PyMem_Malloc((m + 1) * sizeof(int64_t));
    if (uniq == NULL)
        goto nomem;
    memcpy(uniq, pos, m * sizeof(int64_t));
    qsort(uniq, m, sizeof(int64_t), cmp_i64);
    Py_ssize_t u = 0;
    for (Py_ssize_t j = 0; j < m; j++)
        if (u == 0 || uniq[u - 1] != uniq[j])
            uniq[u++] = uniq[j];
    Py_ssize_t width = 2 * h + 1, n = m + u;
    back = PyByteArray_FromStringAndSize(NULL, m * 8);
    p = PyByteArray_FromStringAndSize(NULL, (h + 1) * n * 8);
    if (back == NULL || p == NULL)
        goto fail;
    rows = PyMem_Malloc(((size_t)n * width + 1) * sizeof(int64_t));
    found = PyMem_Malloc(((size_t)n * (h + 1) * width + 1) * sizeof(int64_t));
    if (rows == NULL || found == NULL)
        goto nomem;
    int64_t *bk = (int64_t *)PyByteArray_AS_STRING(back);
    for (Py_ssize_t r = 0; r < u; r++) /* windows(ids, uniq, h, h): EDGE (1) beyond the text */
        for (Py_ssize_t c = 0; c < width; c++) {
            Py_ssize_t i = uniq[r] - h + c;
            rows[(m + r) * width + c] = i < 0 || i >= len ? 1 : ids[i];
        }
    for (Py_ssize_t j = 0; j < m; j++) {
        bk[j] = lower_bound_i64(uniq, u, pos[j]);
        memcpy(rows + j * width, rows + (m + bk[j]) * width, width * sizeof(int64_t));
        rows[j * width + h] = repl[j];
    }
    span_probs_rows(rows, n, m, bk, (int)h, &tb, w[0].buf, w[1].buf, w[2].buf, PyFloat_AS_DOUBLE(args[10]), found,
                    (double *)PyByteArray_AS_STRING(p));
    out = PyTuple_Pack(2, p, back);
    if (out == NULL)
        goto fail;
    owned = 1;
    goto done;
nomem:
    PyErr_NoMemory();
fail:
    out = NULL;
done:
    PyMem_Free(uniq);
    PyMem_Free(rows);
    PyMem_Free(found);
    if (out == NULL) {
        Py_XDECREF(p);
        Py_XDECREF(back);
        release_typed(v, held);
        return NULL;
    }
    PyObject *res = released(v, held, out);
    if (owned)
        Py_DECREF(out);
    Py_XDECREF(p);
    Py_XDECREF(back);
    return res;
}


/* the count of key (of order k) in the table, 0 when absent */
static inline int64_t
ngram_count(const NgramTable *tb, const uint32_t *counts, uint64_t key, int k)
{
    int64_t idx = ngram_index(tb, key | ((uint64_t)k << CM_ORDER_SHIFT));
    return idx >= 0 ? (int64_t)counts[idx] : 0;
}

static PyObject *
neighbour_counts(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* neighbour_counts(keys, filter, bits, radix, counts, ids, pairs, triples) */
    if (!arity("neighbour_counts", nargs, 8))
        return NULL;
    static const Py_ssize_t size[4] = {4, 8, 8, 8};
    const char *kinds[4] = {"I", I64_KINDS, I64_KINDS, I64_KINDS};
    Py_buffer v[7], *w = v + 3;
    NgramTable tb;
    PyObject *out = Py_NotImplemented;
    int held = get_table_arrays(args, v, &tb, 4, size, kinds, 2);
    if (held != 7)
        goto done;
    Py_ssize_t n = w[1].len / 8;
    if (w[0].len / 4 != tb.nkeys || w[2].len / 8 != n + 1 || w[3].len / 8 != n)
        goto done;
    const uint32_t *counts = w[0].buf;
    const int64_t *ids = w[1].buf;
    int64_t *pairs = w[2].buf, *triples = w[3].buf;
    for (Py_ssize_t i = 0; i < n; i++) /* _pack's ids: below 4,096 */
        if (ids[i] < 0 || ids[i] >= CM_IDS)
            goto done;
    /* the ids with an EDGE (1) either side: p(j) = ids[j - 1] */
#define P(j) ((j) == 0 || (j) == n + 1 ? (uint64_t)1 : (uint64_t)ids[(j) - 1])
    for (Py_ssize_t j = 0; j <= n; j++)
        pairs[j] = ngram_count(&tb, counts, P(j) << CM_BITS | P(j + 1), 2);
    for (Py_ssize_t j = 0; j < n; j++)
        triples[j] = ngram_count(&tb, counts, P(j) << (2 * CM_BITS) | P(j + 1) << CM_BITS | P(j + 2), 3);
#undef P
    out = Py_None;
done:
    return released(v, held, out);
}

static PyObject *
four_gram_max(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* four_gram_max(keys, filter, bits, radix, counts, ids, at, new, out) */
    if (!arity("four_gram_max", nargs, 9))
        return NULL;
    static const Py_ssize_t size[5] = {4, 8, 8, 8, 8};
    const char *kinds[5] = {"I", I64_KINDS, I64_KINDS, I64_KINDS, I64_KINDS};
    Py_buffer v[8], *w = v + 3;
    NgramTable tb;
    PyObject *out = Py_NotImplemented;
    int held = get_table_arrays(args, v, &tb, 5, size, kinds, 4);
    if (held != 8)
        goto done;
    Py_ssize_t len = w[1].len / 8, n = w[2].len / 8;
    if (w[0].len / 4 != tb.nkeys || w[3].len / 8 != n || w[4].len / 8 != n)
        goto done;
    const uint32_t *counts = w[0].buf;
    const int64_t *ids = w[1].buf, *at = w[2].buf, *new_ = w[3].buf;
    int64_t *best = w[4].buf;
    for (Py_ssize_t j = 0; j < n; j++)
        if (at[j] < 0 || at[j] >= len || new_[j] < 0 || new_[j] >= CM_IDS)
            goto done;
    for (Py_ssize_t j = 0; j < n; j++) {
        uint64_t row[7];
        for (int c = 0; c < 7; c++) { /* windows(ids, at, 3, 3), the candidate at column 3, EDGE (1) beyond the text */
            Py_ssize_t i = at[j] - 3 + c;
            row[c] = c == 3 ? (uint64_t)new_[j] : i < 0 || i >= len ? 1 : (uint64_t)ids[i];
            if (row[c] >= CM_IDS) /* _pack's ids: below 4,096; only those read are checked (not the whole text a call) */
                goto done;
        }
        int64_t most = 0;
        for (int s = 0; s < 4; s++) {
            uint64_t key = row[s] << (3 * CM_BITS) | row[s + 1] << (2 * CM_BITS) | row[s + 2] << CM_BITS | row[s + 3];
            int64_t c = ngram_count(&tb, counts, key, 4);
            most = c > most ? c : most;
        }
        best[j] = most;
    }
    out = Py_None;
done:
    return released(v, held, out);
}

static PyObject *
middle_runs(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* middle_runs(pair_keys, mids, counts, left, right, starts) */
    if (!arity("middle_runs", nargs, 6))
        return NULL;
    static const Py_ssize_t size[6] = {8, 8, 4, 8, 8, 8};
    const char *kinds[6] = {I64_KINDS, I64_KINDS, "I", I64_KINDS, I64_KINDS, I64_KINDS};
    Py_buffer v[6];
    int held = 0;
    Py_ssize_t *lo = NULL, *hi = NULL;
    PyObject *out = Py_NotImplemented;
    for (; held < 6; held++)
        if (get_typed(args[held], &v[held], size[held], kinds[held], 0) != 0)
            goto done;
    Py_ssize_t nkeys = v[0].len / 8, n = v[3].len / 8;
    if (v[1].len / 8 != nkeys || v[2].len / 4 != nkeys || v[4].len / 8 != n || v[5].len / 8 != CM_MID_BUCKETS + 1)
        goto done;
    const int64_t *starts = v[5].buf; /* where each bucket's pairs begin (CharModel._c_middles) */
    const int64_t *keys = v[0].buf, *mids = v[1].buf, *left = v[3].buf, *right = v[4].buf;
    const uint32_t *counts = v[2].buf;
    for (Py_ssize_t j = 0; j < n; j++) /* the pair's key as numpy shifts it: ids below 4,096 */
        if (left[j] < 0 || left[j] >= CM_IDS || right[j] < 0 || right[j] >= CM_IDS)
            goto done;
    lo = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    hi = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
    if (lo == NULL || hi == NULL) {
        PyErr_NoMemory();
        out = NULL;
        goto done;
    }
    Py_ssize_t total = 0;
    for (Py_ssize_t j = 0; j < n; j++) {
        int64_t key = (left[j] << CM_BITS) | right[j];
        Py_ssize_t a = starts[MID_BUCKET(key)], b = starts[MID_BUCKET(key) + 1];
        if (a < 0 || b > nkeys || b < a) /* not CharModel._c_middles: stay inside keys */
            a = 0, b = nkeys;
        lo[j] = a + lower_bound_i64(keys + a, b - a, key); /* the same index: a stored pair lies in its bucket */
        hi[j] = lo[j] + lower_bound_i64(keys + lo[j], b - lo[j], key + 1); /* searchsorted right */
        total += hi[j] - lo[j];
    }
    PyObject *parts[4] = {NULL, NULL, NULL, NULL};
    for (int k = 0; k < 4; k++)
        if ((parts[k] = PyByteArray_FromStringAndSize(NULL, total * 8)) == NULL) {
            for (int q = 0; q < k; q++)
                Py_DECREF(parts[q]);
            out = NULL;
            goto done;
        }
    int64_t *owner = (int64_t *)PyByteArray_AS_STRING(parts[0]), *rank = (int64_t *)PyByteArray_AS_STRING(parts[1]);
    int64_t *mid = (int64_t *)PyByteArray_AS_STRING(parts[2]), *cnt = (int64_t *)PyByteArray_AS_STRING(parts[3]);
    Py_ssize_t at = 0;
    for (Py_ssize_t j = 0; j < n; j++)
        for (Py_ssize_t i = lo[j]; i < hi[j]; i++, at++) {
            owner[at] = j;
            rank[at] = i - lo[j];
            mid[at] = mids[i];
            cnt[at] = counts[i];
        }
    out = PyTuple_Pack(4, parts[0], parts[1], parts[2], parts[3]);
    for (int k = 0; k < 4; k++)
        Py_DECREF(parts[k]);
done:
    PyMem_Free(lo);
    PyMem_Free(hi);
    release_typed(v, held);
    if (out == Py_NotImplemented)
        Py_INCREF(out);
    return out;
}


/* ---- the candidates of cleaner.typos.context.proposals.proposals_of ---- */

/* a growable array of candidates: position, code point, similarity deficit
 * and kind (0 a look-alike, 1 a corpus proposal two steps away in the
 * visual table or a two-step candidate beside a neighbour, 2 a long-word
 * proposal, 3 another corpus proposal, 4 a middle two steps away where
 * what is written is not isolated) */
typedef struct {
    int64_t *pos, *code, *kind;
    double *deficit;
    Py_ssize_t n, cap;
} Cands;

static int
cands_push(Cands *c, int64_t pos, int64_t code, double deficit, int64_t kind)
{
    if (c->n == c->cap) {
        Py_ssize_t cap = c->cap ? 2 * c->cap : 256;
        int64_t *p = PyMem_Realloc(c->pos, cap * 8), *q = p ? PyMem_Realloc(c->code, cap * 8) : NULL;
        if (p) c->pos = p;
        if (q) c->code = q;
        int64_t *k = q ? PyMem_Realloc(c->kind, cap * 8) : NULL;
        if (k) c->kind = k;
        double *d = k ? PyMem_Realloc(c->deficit, cap * 8) : NULL;
        if (d == NULL) {
            PyErr_NoMemory();
            return ERR;
        }
        c->deficit = d;
        c->cap = cap;
    }
    c->pos[c->n] = pos;
    c->code[c->n] = code;
    c->deficit[c->n] = deficit;
    c->kind[c->n] = kind;
    c->n++;
    return 0;
}

static void
cands_free(Cands *c)
{
    PyMem_Free(c->pos);
    PyMem_Free(c->code);
    PyMem_Free(c->kind);
    PyMem_Free(c->deficit);
}

static PyObject *
bytes_of(const void *data, Py_ssize_t n)
{
    return PyByteArray_FromStringAndSize(n ? (const char *)data : NULL, n * 8);
}

#define CM_EDGE 1
#define CM_FIRST_ID 16
#define CTX_CODE_BITS 21
#define CTX_MAX_ROW 256
#define IS_HAN(cp) ((cp) >= 0x4E00 && (cp) <= 0x9FFF)

enum { P_DETECT, P_PAIRS, P_CORPUS_LIMIT, P_CORPUS_MIN, P_LONG_LIMIT, P_LONG_MIN, P_LONG_GRAM_MIN, P_TWO_BESIDE, P_TWO_NEAR, P_APART, P_NEAR_PAIRS, N_PARAMS };

/* per code point below U+A000, the tick of the suspect that last marked it
 * (proposals: the look-alikes of the look-alikes of what is written, or
 * the characters already met there); kept between calls (the GIL is held
 * throughout), so that no call clears it */
static uint32_t *two_step_stamp = NULL;
static uint32_t two_step_tick = 0;
/* per code point below U+A000 stamped in two_step_stamp at a suspect not
 * isolated: the place of its first key in the row of what is written
 * (proposals; allocated on first use) */
static Py_ssize_t *row_place = NULL;

/* the next tick of two_step_stamp (allocated on first use); 0 out of memory */
static uint32_t
next_tick(void)
{
    if (two_step_stamp == NULL) {
        two_step_stamp = PyMem_RawCalloc(0xA000, sizeof(uint32_t));
        if (two_step_stamp == NULL) {
            PyErr_NoMemory();
            return 0;
        }
    }
    if (two_step_tick == UINT32_MAX) {
        memset(two_step_stamp, 0, 0xA000 * sizeof(uint32_t));
        two_step_tick = 0;
    }
    return ++two_step_tick;
}

/* whether key is among the n sorted keys */
static int
in_run(const int64_t *keys, Py_ssize_t n, int64_t key)
{
    Py_ssize_t q = lower_bound_i64(keys, n, key);
    return q < n && keys[q] == key;
}

/* whether code is among the candidates [first, end) (the look-alikes listed at a suspect) */
static int
visual_at(const int64_t *code, Py_ssize_t first, Py_ssize_t end, int64_t x)
{
    for (Py_ssize_t q = first; q < end; q++)
        if (code[q] == x)
            return 1;
    return 0;
}

/* the bytes of a pair bitmap (_pair_bits: one bit per pair of ids), then
 * its summary: one bit per 64 pairs (a word of the bitmap), set when one
 * of them is; 32 KB, so that a pair the corpus does not write is mostly
 * answered without reading the 2 MB bitmap (out of the cache) */
#define PAIR_BITMAP_BYTES ((Py_ssize_t)1 << (2 * CM_BITS - 3))
#define PAIR_SUMMARY_BYTES ((Py_ssize_t)1 << (2 * CM_BITS - 9))

/* whether the pair k (left << CM_BITS | right) may be in bits: its word's
 * summary bit */
static inline int
pair_maybe(const unsigned char *bits, uint64_t k)
{
    uint64_t word = k >> 6;
    return (bits[PAIR_BITMAP_BYTES + (word >> 3)] >> (word & 7)) & 1;
}

/* whether the pair k is in bits (its summary bit read first) */
static inline int
pair_in(const unsigned char *bits, uint64_t k)
{
    return pair_maybe(bits, k) && ((bits[k >> 3] >> (k & 7)) & 1);
}

static PyObject *
proposals(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* proposals(keys, filter, bits, radix, counts, pair_keys, mids, mcounts,
     *           mstarts, alike_keys, alike_rank, alike_deficit, alike_starts,
     *           id_table, vocab_codes, trad, ids, cps, params, two_keys,
     *           two_starts, beside_bits, written_bits, near_bits, given)
     * -> (isolated positions, candidate positions, code points, deficits,
     *     kinds, then the positions, code points and deficits of the
     *     look-alikes left out) as bytearrays of int64 (deficits float64),
     *     or NotImplemented: cleaner.typos.context.proposals._py_proposals's
     *     candidates in its order (by position: the look-alikes by their
     *     place in the row, then the corpus's or the long-word proposals),
     *     with params[P_APART] those of context.proposals._split_apart apart;
     *     given: b"" to find the suspects here, or one byte a character (2
     *     an isolated suspect, 1 another, 0 none: _suspect_masks of a
     *     model learned from its input, whose text's own n-grams do not
     *     count) */
    if (!arity("proposals", nargs, 25))
        return NULL;
    static const Py_ssize_t size[20] = {4, 8, 8, 4, 8, 8, 8, 8, 8, 2, 8, 1, 8, 8, 8, 8, 8, 1, 1, 1};
    const char *kinds[20] = {"I", I64_KINDS, I64_KINDS, "I", I64_KINDS, I64_KINDS, I64_KINDS, "d", I64_KINDS, "H", I64_KINDS, "B?", I64_KINDS, I64_KINDS, I64_KINDS, I64_KINDS, I64_KINDS, "B", "B", "B"};
    Py_buffer v[23], *w = v + 3;
    NgramTable tb;
    PyObject *out = Py_NotImplemented;
    Cands cs = {0}, away = {0}; /* away: the look-alikes left out (par[P_APART]: at isolated suspects, written beside neither neighbour) */
    Py_buffer gv;
    int have_given = 0;
    uint64_t *pkeys = NULL; /* the pending long-word proposals: four 4-gram keys each, and their place in cs */
    Py_ssize_t *pat = NULL, npend = 0, cappend = 0;
    unsigned char *keep = NULL;
    int64_t *iso = NULL;
    unsigned char *flag = NULL;
    Py_ssize_t *mrange = NULL; /* per suspect the start, then the end, of its middles (below) */
    int64_t *mkey = NULL;
    int held = get_table_arrays(args, v, &tb, 20, size, kinds, 20);
    if (held != 23)
        goto done;
    const uint32_t *counts = w[0].buf, *mcounts = w[3].buf;
    const int64_t *pair_keys = w[1].buf, *mids = w[2].buf, *mstarts = w[4].buf;
    const int64_t *akeys = w[5].buf, *arank = w[6].buf;
    const double *adef = w[7].buf;
    const int64_t *astarts = w[8].buf; /* where the keys of each code point below U+A000 begin (U+A000: the end) */
    const uint16_t *id_table = w[9].buf;
    const int64_t *vocab_codes = w[10].buf;
    const unsigned char *trad = w[11].buf;
    const int64_t *ids = w[12].buf, *cps = w[13].buf, *par = w[14].buf;
    const int64_t *tkeys = w[15].buf, *tstarts = w[16].buf; /* _visual_two_step_table: the keys, where each code point's begin */
    Py_ssize_t ntwo = w[15].len / 8;
    const unsigned char *beside = w[17].buf; /* _pair_bits: one bit per pair of ids the corpus writes often enough */
    const unsigned char *written = w[18].buf; /* _pair_bits(cm, 1): every pair the corpus writes (the isolated suspects at detect 0, the look-alikes left out) */
    const unsigned char *near_bits = w[19].buf; /* _pair_bits(cm, par[P_NEAR_PAIRS] + 1): the pairs written more often than a suspect not isolated has on one side */
    Py_ssize_t nkeys = w[1].len / 8, nalike = w[5].len / 8, nid = w[9].len / 2, nvocab = w[10].len / 8, ntrad = w[11].len;
    Py_ssize_t n = w[12].len / 8;
    if (w[0].len / 4 != tb.nkeys || w[2].len / 8 != nkeys || w[3].len / 4 != nkeys || w[4].len / 8 != CM_MID_BUCKETS + 1
        || w[6].len / 8 != nalike || w[7].len / 8 != nalike || w[8].len / 8 != 0xA000 + 1 || w[16].len / 8 != 0xA000 + 1 || w[17].len != PAIR_BITMAP_BYTES + PAIR_SUMMARY_BYTES || w[18].len != PAIR_BITMAP_BYTES + PAIR_SUMMARY_BYTES || w[19].len != PAIR_BITMAP_BYTES + PAIR_SUMMARY_BYTES || w[13].len / 8 != n || w[14].len / 8 != N_PARAMS || ntrad < 0xA000)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) /* _pack's ids: below 4,096 */
        if (ids[i] < 0 || ids[i] >= CM_IDS || cps[i] < 0)
            goto done;
    if (get_typed(args[24], &gv, 1, "B?", 0))
        goto done;
    have_given = 1;
    const unsigned char *given = gv.len ? gv.buf : NULL;
    if (given != NULL && gv.len != n)
        goto done;
    int64_t detect = par[P_DETECT];
    iso = PyMem_Malloc((n + 1) * sizeof(int64_t));
    flag = PyMem_Malloc(n + 1);
    if (iso == NULL || flag == NULL) {
        PyErr_NoMemory();
        out = NULL;
        goto done;
    }
    /* CharModel.neighbour_counts then _suspect_masks: flag 1 a suspect not
     * isolated, 2 an isolated one, 0 neither */
#define P(j) ((j) == 0 || (j) == n + 1 ? (uint64_t)CM_EDGE : (uint64_t)ids[(j) - 1])
    Py_ssize_t niso = 0;
    if (given != NULL) /* the suspects found by the caller */
        for (Py_ssize_t j = 0; j < n; j++) {
            flag[j] = given[j] <= 2 ? given[j] : 0;
            if (flag[j] == 2)
                iso[niso++] = j;
        }
    else {
        /* the pairs' indices (n + 1, in pidx), then the triples' of the Han
         * characters not isolated (in tidx at their place), each batch in one
         * ngram_index_many: CharModel.neighbour_counts of what decides */
        uint64_t *qkeys = PyMem_Malloc((n + 1) * sizeof(uint64_t));
        int64_t *pidx = PyMem_Malloc((n + 1) * sizeof(int64_t)), *tidx = PyMem_Malloc((n + 1) * sizeof(int64_t));
        Py_ssize_t *tpos = PyMem_Malloc((n + 1) * sizeof(Py_ssize_t));
        if (qkeys == NULL || pidx == NULL || tidx == NULL || tpos == NULL) {
            PyMem_Free(qkeys), PyMem_Free(pidx), PyMem_Free(tidx), PyMem_Free(tpos);
            PyErr_NoMemory();
            goto error;
        }
        int by_bits = detect == 0; /* isolated: both pairs never written, one bit each of written_bits, not a search each */
        if (by_bits)
            for (Py_ssize_t j = 0; j <= n; j++) {
                uint64_t k = P(j) << CM_BITS | P(j + 1);
                pidx[j] = pair_in(written, k); /* 1 written, else 0: the count's place below */
            }
        else {
            for (Py_ssize_t j = 0; j <= n; j++)
                qkeys[j] = (P(j) << CM_BITS | P(j + 1)) | ((uint64_t)2 << CM_ORDER_SHIFT);
            ngram_index_many(&tb, qkeys, pidx, n + 1);
            for (Py_ssize_t j = 0; j <= n; j++) { /* the counts: fetched together, read below */
                if (pidx[j] >= 0)
                    PREFETCH(counts + pidx[j]);
            }
        }
#define PAIR_COUNT(j) (by_bits ? pidx[j] : pidx[j] >= 0 ? (int64_t)counts[pidx[j]] : 0)
#define PAIR_BIT(bits, j) pair_in(bits, P(j) << CM_BITS | P((j) + 1))
        /* a suspect not isolated: one of its pairs written at most par[P_NEAR_PAIRS] times (-1: any), its triple looked up only then */
#define NEAR_OK(j, lp, rp) (par[P_NEAR_PAIRS] < 0 || (by_bits ? !PAIR_BIT(near_bits, j) || !PAIR_BIT(near_bits, (j) + 1) : (lp) <= par[P_NEAR_PAIRS] || (rp) <= par[P_NEAR_PAIRS]))
        Py_ssize_t ntri = 0;
        for (Py_ssize_t j = 0; j < n; j++) {
            int64_t lp = PAIR_COUNT(j), rp = PAIR_COUNT(j + 1);
            int han = IS_HAN(cps[j]);
            int isolated = han && lp <= detect && rp <= detect;
            flag[j] = isolated ? 2 : 0;
            if (isolated)
                iso[niso++] = j;
            else if (han && NEAR_OK(j, lp, rp)) {
                tpos[ntri] = j;
                qkeys[ntri++] = (P(j) << (2 * CM_BITS) | P(j + 1) << CM_BITS | P(j + 2)) | ((uint64_t)3 << CM_ORDER_SHIFT);
            }
        }
        ngram_index_many(&tb, qkeys, tidx, ntri);
        for (Py_ssize_t q = 0; q < ntri; q++) /* found: isolated, or the triple written at most detect times */
            if ((tidx[q] >= 0 ? (int64_t)counts[tidx[q]] : 0) <= detect)
                flag[tpos[q]] = 1;
        PyMem_Free(qkeys), PyMem_Free(pidx), PyMem_Free(tidx), PyMem_Free(tpos);
#undef NEAR_OK
#undef PAIR_BIT
#undef PAIR_COUNT
#undef P
    }
    for (Py_ssize_t j = 0; j < n; j++) /* the suspects of the detection chosen, less traditional characters */
        flag[j] = (par[P_PAIRS] ? flag[j] == 2 : flag[j] != 0) && !trad[cps[j]] ? flag[j] : 0;
    /* the middles of each suspect's pair of neighbours: the run of pair_keys
     * [lo, hi) of the pair: lo searched for all suspects side by side
     * (lower_bound_i64_many in the pair's bucket), hi by a gallop from lo
     * (a pair's run is short, its keys in lo's cache lines; the same
     * indices as a search of pkey + 1) */
    Py_ssize_t nflag = 0;
    for (Py_ssize_t j = 0; j < n; j++)
        nflag += flag[j] != 0;
    mrange = PyMem_Malloc((5 * nflag + 1) * sizeof(Py_ssize_t));
    mkey = PyMem_Malloc((2 * nflag + 1) * sizeof(int64_t));
    if (mrange == NULL || mkey == NULL) {
        PyErr_NoMemory();
        goto error;
    }
    {
        Py_ssize_t *ma = mrange, *mb = mrange + nflag, f = 0;
        Py_ssize_t *sa = PyMem_Malloc((nflag + 1) * sizeof(Py_ssize_t)), *sb = PyMem_Malloc((nflag + 1) * sizeof(Py_ssize_t));
        if (sa == NULL || sb == NULL) {
            PyMem_Free(sa), PyMem_Free(sb);
            PyErr_NoMemory();
            goto error;
        }
        for (Py_ssize_t j = 0; j < n; j++) {
            if (!flag[j])
                continue;
            int64_t left = j == 0 ? CM_EDGE : ids[j - 1], right = j == n - 1 ? CM_EDGE : ids[j + 1];
            int64_t key = (left << CM_BITS) | right;
            Py_ssize_t a = mstarts[MID_BUCKET(key)], b = mstarts[MID_BUCKET(key) + 1];
            if (a < 0 || b > nkeys || b < a) /* not CharModel._c_middles: stay inside keys */
                a = 0, b = nkeys;
            sa[f] = a;
            sb[f] = b;
            mkey[f] = key;
            mrange[4 * nflag + f] = j;
            f++;
        }
        lower_bound_i64_many(pair_keys, sa, sb, mkey, ma, nflag);
        for (Py_ssize_t q = 0; q < nflag; q++) {
            Py_ssize_t lo = ma[q], b = sb[q];
            int64_t key = mkey[q];
            if (lo < b && pair_keys[lo] == key) { /* keys[below] is the pair's; from end on (or b) they are above it */
                Py_ssize_t below = lo, step = 1;
                while (below + step < b && pair_keys[below + step] == key)
                    below += step, step *= 2;
                Py_ssize_t end = below + step < b ? below + step : b;
                mb[q] = below + 1 + lower_bound_i64(pair_keys + below + 1, end - below - 1, key + 1);
            }
            else
                mb[q] = lo;
        }
        PyMem_Free(sa), PyMem_Free(sb);
    }
    Py_ssize_t row[CTX_MAX_ROW], fj = 0;
    Py_ssize_t place_at[CTX_MAX_ROW]; /* the sort of row by place: the entry at each place, */
    unsigned char place_used[CTX_MAX_ROW]; /* and whether there is one (all 0 between suspects) */
    memset(place_used, 0, sizeof place_used);
    for (Py_ssize_t j = 0; j < n; j++) {
        if (!flag[j])
            continue;
        int lone = flag[j] == 2;
        Py_ssize_t first = cs.n, nrow = 0;
        int64_t left = j == 0 ? CM_EDGE : ids[j - 1], right = j == n - 1 ? CM_EDGE : ids[j + 1];
        Py_ssize_t lo = mrange[fj], hi = mrange[nflag + fj];
        if (fj + 2 < nflag) { /* the rows and the middles of the suspect after next fetched while these are read */
            Py_ssize_t jn = mrange[4 * nflag + fj + 2], ln = mrange[fj + 2];
            PREFETCH(akeys + astarts[cps[jn]]);
            PREFETCH(tkeys + tstarts[cps[jn]]);
            PREFETCH(mids + ln);
            PREFETCH(mcounts + ln);
        }
        fj++;
        int inner = j > 0 && j < n - 1 && IS_HAN(cps[j - 1]) && IS_HAN(cps[j + 1]);
        int64_t akey = cps[j] << CTX_CODE_BITS;
        /* the row of what is written: its keys in the table */
        Py_ssize_t s = astarts[cps[j]], e = astarts[cps[j] + 1]; /* a suspect is Han: below U+A000 */
        if (s < 0 || e > nalike || e < s)
            goto unsupported;
        if (lone) { /* every look-alike the model knows (_visual_candidates' lone rows) */
            for (Py_ssize_t k = s; k < e; k++) {
                int64_t code = akeys[k] & (((int64_t)1 << CTX_CODE_BITS) - 1);
                if (code >= nid || id_table[code] < CM_FIRST_ID)
                    continue;
                if (nrow == CTX_MAX_ROW)
                    goto unsupported;
                row[nrow++] = k;
            }
        }
        else if (s < e && lo < hi) { /* the middles that are look-alikes (_visual_candidates' near part) */
            /* the row's code points below U+A000 stamped with the place of
             * their first key (row_place): a middle's look-up is one read,
             * not a search of the row (the same first index) */
            uint32_t tick = next_tick();
            if (tick == 0 || (row_place == NULL && (row_place = PyMem_RawMalloc(0xA000 * sizeof(Py_ssize_t))) == NULL)) {
                if (tick != 0)
                    PyErr_NoMemory();
                goto error;
            }
            for (Py_ssize_t k = s; k < e; k++) {
                int64_t code = akeys[k] & (((int64_t)1 << CTX_CODE_BITS) - 1);
                if ((akeys[k] >> CTX_CODE_BITS) == cps[j] && code < 0xA000 && two_step_stamp[code] != tick)
                    two_step_stamp[code] = tick, row_place[code] = k;
            }
            for (Py_ssize_t i = lo; i < hi; i++) {
                if (mids[i] < 0 || mids[i] >= nvocab)
                    goto unsupported;
                int64_t code = vocab_codes[mids[i]], k;
                if (code >= 0 && code < 0xA000)
                    k = two_step_stamp[code] == tick ? row_place[code] : e;
                else {
                    int64_t key = akey | code;
                    k = s + lower_bound_i64(akeys + s, e - s, key);
                    k = k < e && akeys[k] == key ? k : e;
                }
                if (k < e) {
                    if (nrow == CTX_MAX_ROW)
                        goto unsupported;
                    row[nrow++] = k;
                }
            }
        }
        /* by place in the row (stable): each put at its place when the
         * places are distinct and below CTX_MAX_ROW (the visual table's
         * rows: 0, 1, ... in order), else an insertion sort */
        Py_ssize_t most = -1, x = 0;
        for (; x < nrow; x++) {
            int64_t r = arank[row[x]];
            if (r < 0 || r >= CTX_MAX_ROW || place_used[r])
                break;
            place_used[r] = 1, place_at[r] = row[x];
            most = r > most ? r : most;
        }
        if (x == nrow) {
            Py_ssize_t y = 0;
            for (Py_ssize_t r = 0; r <= most; r++)
                if (place_used[r])
                    place_used[r] = 0, row[y++] = place_at[r];
        }
        else {
            for (Py_ssize_t y = 0; y < x; y++)
                place_used[arank[row[y]]] = 0;
            for (Py_ssize_t x = 1; x < nrow; x++)
                for (Py_ssize_t y = x; y > 0 && arank[row[y - 1]] > arank[row[y]]; y--) {
                    Py_ssize_t t = row[y];
                    row[y] = row[y - 1];
                    row[y - 1] = t;
                }
        }
        for (Py_ssize_t x = 0; x < nrow; x++) {
            int64_t code = akeys[row[x]] & (((int64_t)1 << CTX_CODE_BITS) - 1);
            if (lone && par[P_APART]) { /* _split_apart: the corpus writes it beside neither neighbour (a look-alike the model knows: code < nid) */
                int64_t xid = id_table[code], lp = left << CM_BITS | xid, rp = xid << CM_BITS | right;
                if (!pair_in(written, lp) && !pair_in(written, rp)) {
                    if (cands_push(&away, j, code, adef[row[x]], 0) < 0)
                        goto error;
                    continue;
                }
            }
            if (cands_push(&cs, j, code, adef[row[x]], 0) < 0)
                goto error;
        }
        Py_ssize_t nvis = cs.n;
        if (!inner)
            continue;
        Py_ssize_t t0 = tstarts[cps[j]], t1 = tstarts[cps[j] + 1]; /* the characters two steps from what is written, by code point */
        if (t0 < 0 || t1 > ntwo || t1 < t0)
            goto unsupported;
        int near_on = !lone && par[P_TWO_NEAR] > 0 && t0 < t1; /* _two_steps_between: among the first par[P_TWO_NEAR] middles */
#define TWO_STEP_TEST(code) (IS_HAN(code) && !trad[code] && in_run(tkeys + t0, t1 - t0, akey | (code)) && !visual_at(cs.code, first, nvis, code))
        signed char memo[64]; /* per middle of the first 64: the test below, once for both loops (-1 not yet made) */
        if (near_on)
            memset(memo, -1, sizeof memo);
#define TWO_STEP_BETWEEN(i, code) (near_on && ((i) - lo < 64 ? (memo[(i) - lo] >= 0 ? memo[(i) - lo] : (memo[(i) - lo] = (signed char)TWO_STEP_TEST(code))) : TWO_STEP_TEST(code)))
        int64_t limit = lone ? par[P_CORPUS_LIMIT] : par[P_LONG_LIMIT], least = lone ? par[P_CORPUS_MIN] : par[P_LONG_MIN];
        for (Py_ssize_t i = lo; i < hi && i - lo < limit; i++) {
            if ((int64_t)mcounts[i] < least)
                continue;
            if (mids[i] < 0 || mids[i] >= CM_IDS || mids[i] >= nvocab)
                goto unsupported;
            int64_t code = vocab_codes[mids[i]];
            if (i - lo < par[P_TWO_NEAR] && TWO_STEP_BETWEEN(i, code)) /* a two-step candidate below, no long-word proposal */
                continue;
            int seen = lone && code == cps[j];
            for (Py_ssize_t q = first; q < nvis && !seen; q++)
                seen = cs.code[q] == code;
            for (Py_ssize_t q = nvis; q < cs.n && !seen; q++) /* a character once */
                seen = cs.code[q] == code;
            if (seen || !IS_HAN(code) || trad[code])
                continue;
            if (!lone) { /* _candidate_counts: its four 4-grams, looked up in one batch below (the candidate kept if one is written often enough) */
                if (npend == cappend) {
                    Py_ssize_t cap = cappend ? 2 * cappend : 64;
                    uint64_t *k4 = PyMem_Realloc(pkeys, cap * 4 * sizeof(uint64_t));
                    if (k4 != NULL)
                        pkeys = k4;
                    Py_ssize_t *at = k4 != NULL ? PyMem_Realloc(pat, cap * sizeof(Py_ssize_t)) : NULL;
                    if (at == NULL) {
                        PyErr_NoMemory();
                        goto error;
                    }
                    pat = at;
                    cappend = cap;
                }
                uint64_t r[7];
                for (int c = 0; c < 7; c++) {
                    Py_ssize_t t = j - 3 + c;
                    r[c] = c == 3 ? (uint64_t)mids[i] : t < 0 || t >= n ? (uint64_t)CM_EDGE : (uint64_t)ids[t];
                }
                for (int g = 0; g < 4; g++)
                    pkeys[4 * npend + g] = (r[g] << (3 * CM_BITS) | r[g + 1] << (2 * CM_BITS) | r[g + 2] << CM_BITS | r[g + 3]) | ((uint64_t)4 << CM_ORDER_SHIFT);
                pat[npend++] = cs.n;
            }
            int64_t kind = 2;
            if (lone && t0 < t1 && IS_HAN(code) && in_run(tkeys + t0, t1 - t0, akey | code)) /* two steps through a look-alike below U+A000: the two-step table's row (_visual_two_step_table; code is not what is written) */
                kind = 1;
            else if (lone) { /* a corpus proposal: a look-alike of a look-alike of what is written (_two_steps: 1), or not (3) */
                kind = 3; /* not through a look-alike below U+A000 (the two-step table holds every such step): through one above? (the whole table searched) */
                for (Py_ssize_t k = s; k < e && kind == 3; k++) {
                    int64_t alike = akeys[k] & (((int64_t)1 << CTX_CODE_BITS) - 1), key = alike << CTX_CODE_BITS | code;
                    if (alike < 0xA000)
                        continue;
                    Py_ssize_t q = lower_bound_i64(akeys, nalike, key);
                    kind = q < nalike && akeys[q] == key ? 1 : 3;
                }
            }
            if (cands_push(&cs, j, code, 0.0, kind) < 0)
                goto error;
        }
        if (near_on) /* _two_steps_between: every middle two steps away, in the corpus's order (kind 4) */
            for (Py_ssize_t i = lo; i < hi && i - lo < par[P_TWO_NEAR]; i++) {
                if (mids[i] < 0 || mids[i] >= nvocab)
                    goto unsupported;
                int64_t code = vocab_codes[mids[i]];
                if (TWO_STEP_BETWEEN(i, code) && cands_push(&cs, j, code, 0.0, 4) < 0)
                    goto error;
            }
#undef TWO_STEP_BETWEEN
#undef TWO_STEP_TEST
        if (lone && par[P_TWO_BESIDE] > 0) { /* _two_steps_beside: by code point, each the corpus writes beside a neighbour often enough */
            uint32_t tick = next_tick();
            if (tick == 0)
                goto error;
            for (Py_ssize_t q = first; q < cs.n; q++) /* what is listed here already */
                if (cs.code[q] < 0xA000)
                    two_step_stamp[cs.code[q]] = tick;
            for (Py_ssize_t q0 = t0; q0 < t1;) { /* in chunks: the bits of a chunk's pairs fetched together, then read in order */
                int64_t xs[64], lps[64], rps[64];
                int nx = 0;
                for (; q0 < t1 && nx < 64; q0++) {
                    int64_t x = tkeys[q0] & (((int64_t)1 << CTX_CODE_BITS) - 1);
                    if (x >= 0xA000 || two_step_stamp[x] == tick || !IS_HAN(x) || trad[x] || x >= nid || id_table[x] < CM_FIRST_ID)
                        continue;
                    int64_t xid = id_table[x], lp = left << CM_BITS | xid, rp = xid << CM_BITS | right;
                    int ml = pair_maybe(beside, lp), mr = pair_maybe(beside, rp); /* mostly neither: no read of the bitmap */
                    if (!ml && !mr)
                        continue;
                    if (ml)
                        PREFETCH(beside + (lp >> 3));
                    if (mr)
                        PREFETCH(beside + (rp >> 3));
                    xs[nx] = x, lps[nx] = ml ? lp : -1, rps[nx++] = mr ? rp : -1;
                }
                for (int c = 0; c < nx; c++)
                    if ((lps[c] >= 0 && ((beside[lps[c] >> 3] >> (lps[c] & 7)) & 1)) || (rps[c] >= 0 && ((beside[rps[c] >> 3] >> (rps[c] & 7)) & 1)))
                        if (cands_push(&cs, j, xs[c], 0.0, 1) < 0)
                            goto error;
            }
        }
    }
    if (npend) {
        keep = PyMem_Malloc(cs.n + 1);
        if (keep == NULL) {
            PyErr_NoMemory();
            goto error;
        }
        memset(keep, 1, cs.n + 1); /* the long-word proposals whose 4-grams the corpus writes too rarely leave the list */
        int64_t *pfound = PyMem_Malloc(4 * npend * sizeof(int64_t));
        if (pfound == NULL) {
            PyErr_NoMemory();
            goto error;
        }
        ngram_index_many(&tb, pkeys, pfound, 4 * npend);
        for (Py_ssize_t q = 0; q < npend; q++) {
            int64_t most = 0;
            for (int g = 0; g < 4; g++) {
                int64_t idx = pfound[4 * q + g], cnt = idx >= 0 ? (int64_t)counts[idx] : 0;
                most = cnt > most ? cnt : most;
            }
            keep[pat[q]] = most >= par[P_LONG_GRAM_MIN];
        }
        PyMem_Free(pfound);
    }
    if (keep) { /* the pending candidates that failed leave the list, in order */
        Py_ssize_t kept = 0;
        for (Py_ssize_t c = 0; c < cs.n; c++) {
            if (!keep[c])
                continue;
            cs.pos[kept] = cs.pos[c], cs.code[kept] = cs.code[c], cs.deficit[kept] = cs.deficit[c], cs.kind[kept] = cs.kind[c];
            kept++;
        }
        cs.n = kept;
    }
    {
        PyObject *parts[8] = {bytes_of(iso, niso), bytes_of(cs.pos, cs.n), bytes_of(cs.code, cs.n), bytes_of(cs.deficit, cs.n), bytes_of(cs.kind, cs.n),
                              bytes_of(away.pos, away.n), bytes_of(away.code, away.n), bytes_of(away.deficit, away.n)};
        int made = 1;
        for (int k = 0; k < 8; k++)
            made = made && parts[k] != NULL;
        out = made ? PyTuple_Pack(8, parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], parts[6], parts[7]) : NULL;
        for (int k = 0; k < 8; k++)
            Py_XDECREF(parts[k]);
        goto done;
    }
error:
    out = NULL;
    goto done;
unsupported:
    out = Py_NotImplemented;
done:
    cands_free(&cs);
    cands_free(&away);
    PyMem_Free(pkeys);
    PyMem_Free(pat);
    PyMem_Free(keep);
    PyMem_Free(iso);
    PyMem_Free(flag);
    PyMem_Free(mrange);
    PyMem_Free(mkey);
    if (have_given)
        PyBuffer_Release(&gv);
    release_typed(v, held);
    if (out == Py_NotImplemented)
        Py_INCREF(out);
    return out;
}

/* the floats of proposal_lists (fparams): context's channel slope and
 * cost, the costs of kinds 1 to 4, CONTEXT_PLAUSIBLE, whether the rarity
 * discount is on, CONTEXT_RARE_RATIO and CONTEXT_RARE_DISCOUNT */
enum { F_SLOPE, F_COST, F_KIND_COST, F_LEAST = F_KIND_COST + 4, F_RARE_ON, F_RARE_RATIO, F_RARE_DISCOUNT, N_FPARAMS };
enum { L_ISO, L_POS, L_CODE, L_DEFICIT, L_KIND, L_APOS, L_ACODE, L_ADEFICIT, L_IDS, L_TABLE, L_SOLO, L_UNIGRAM, L_FPARAMS, N_LIST_ARGS };

#define LEN(a) (v[a].len / v[a].itemsize)
#define I(a) ((const int64_t *)v[a].buf)
#define D(a) ((const double *)v[a].buf)

/* proposal_lists(isolated, pos, code, deficit, kind, away_pos, away_code,
 *                away_deficit, ids, id_table, solo, unigram, fparams)
 * -> the buffers of proposals as context.score.score_all reads them, in one
 *    call: (positions, characters, channel costs (context.proposals.proposals_of's,
 *    then context.score._rarity_discounted's discount when fparams[F_RARE_ON]),
 *    look-alike flags, the isolated positions (a frozenset), the long-word
 *    flags (None: to verify, else False), then the look-alikes left out:
 *    their positions, their gains (context.proposals._left_out_of) and the set of
 *    the plausible ones (context.score._left_out_evidence)), or NotImplemented
 *    (an index out of range, a kind above 4, other types or sizes).  The
 *    same double operations in the same order as numpy's and Python's
 *    (multiplications and additions not fused), so the same floats */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("fp-contract=off")))
#endif
static PyObject *
proposal_lists(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (!arity("proposal_lists", nargs, N_LIST_ARGS))
        return NULL;
    /* proposals' eight buffers are bytearrays (of int64 or float64 values) */
    static const int want[N_LIST_ARGS] = {U8, U8, U8, U8, U8, U8, U8, U8, I64, U16, F64, I64, F64};
    Py_buffer v[N_LIST_ARGS];
    PyObject *out = Py_NotImplemented, *part[9] = {NULL};
    int held = take_typed(args, v, want, N_LIST_ARGS);
    if (held != N_LIST_ARGS)
        goto done;
    for (int k = L_ISO; k <= L_ADEFICIT; k++)
        if (v[k].len % 8 != 0 || ((uintptr_t)v[k].buf & 7) != 0)
            goto done;
    Py_ssize_t niso = LEN(L_ISO) / 8, nc = LEN(L_POS) / 8, na = LEN(L_APOS) / 8, n = LEN(L_IDS), ntable = LEN(L_TABLE), nsolo = LEN(L_SOLO), nuni = LEN(L_UNIGRAM);
    if (LEN(L_CODE) / 8 != nc || LEN(L_DEFICIT) / 8 != nc || LEN(L_KIND) / 8 != nc || LEN(L_ACODE) / 8 != na || LEN(L_ADEFICIT) / 8 != na || LEN(L_FPARAMS) != N_FPARAMS)
        goto done;
    const int64_t *iso = I(L_ISO), *pos = I(L_POS), *code = I(L_CODE), *kind = I(L_KIND), *apos = I(L_APOS), *acode = I(L_ACODE), *ids = I(L_IDS), *uni = I(L_UNIGRAM);
    const double *deficit = D(L_DEFICIT), *adef = D(L_ADEFICIT), *solo = D(L_SOLO), *fp = D(L_FPARAMS);
    const uint16_t *table = (const uint16_t *)v[L_TABLE].buf;
    int rare = fp[F_RARE_ON] != 0.0;
    /* every index checked first (numpy wraps negative ones or raises; chr raises) */
    for (Py_ssize_t c = 0; c < nc; c++) {
        if (pos[c] < 0 || pos[c] >= n || code[c] < 0 || code[c] > 0x10FFFF || kind[c] < 0 || kind[c] > 4)
            goto done;
        if (rare && kind[c] != 0 && (code[c] >= ntable || ids[pos[c]] < 0 || ids[pos[c]] >= nuni || table[code[c]] >= nuni))
            goto done;
    }
    for (Py_ssize_t a = 0; a < na; a++)
        if (apos[a] < 0 || apos[a] >= n || acode[a] < 0 || acode[a] >= ntable || ids[apos[a]] < 0 || ids[apos[a]] >= nsolo || table[acode[a]] >= nsolo)
            goto done;
    out = NULL;
    for (int k = 0; k < 9; k++)
        if ((part[k] = k == 4 ? PyList_New(niso) : k == 8 ? PySet_New(NULL) : PyList_New(k < 6 ? nc : na)) == NULL)
            goto done;
    for (Py_ssize_t q = 0; q < niso; q++) {
        PyObject *x = PyLong_FromLongLong(iso[q]);
        if (x == NULL)
            goto done;
        PyList_SET_ITEM(part[4], q, x);
    }
    PyObject *lone = PyFrozenSet_New(part[4]);
    if (lone == NULL)
        goto done;
    Py_SETREF(part[4], lone);
    for (Py_ssize_t c = 0; c < nc; c++) {
        /* proposals_of: d * slope + cost for a look-alike, else its kind's cost; then the rarity discount of a corpus proposal */
        double chan = kind[c] == 0 ? deficit[c] * fp[F_SLOPE] + fp[F_COST] : fp[F_KIND_COST + kind[c] - 1];
        if (rare && kind[c] != 0 && (double)(uni[ids[pos[c]]] + 1) <= fp[F_RARE_RATIO] * (double)(uni[table[code[c]]] + 1))
            chan = chan - fp[F_RARE_DISCOUNT];
        PyObject *p = PyLong_FromLongLong(pos[c]), *ch = PyUnicode_FromOrdinal((int)code[c]), *f = PyFloat_FromDouble(chan);
        if (p == NULL || ch == NULL || f == NULL) {
            Py_XDECREF(p), Py_XDECREF(ch), Py_XDECREF(f);
            goto done;
        }
        PyList_SET_ITEM(part[0], c, p);
        PyList_SET_ITEM(part[1], c, ch);
        PyList_SET_ITEM(part[2], c, f);
        PyList_SET_ITEM(part[3], c, Py_NewRef(kind[c] == 0 ? Py_True : Py_False));
        PyList_SET_ITEM(part[5], c, Py_NewRef(kind[c] == 2 ? Py_None : Py_False));
    }
    for (Py_ssize_t a = 0; a < na; a++) {
        /* _left_out_of's gain and channel cost, _left_out_evidence's test */
        double gain = solo[table[acode[a]]] - solo[ids[apos[a]]];
        double chan = adef[a] * fp[F_SLOPE] + fp[F_COST];
        PyObject *p = PyLong_FromLongLong(apos[a]), *g = PyFloat_FromDouble(gain);
        if (p == NULL || g == NULL) {
            Py_XDECREF(p), Py_XDECREF(g);
            goto done;
        }
        PyList_SET_ITEM(part[6], a, p);
        PyList_SET_ITEM(part[7], a, g);
        if (gain - (chan - fp[F_COST]) / fp[F_SLOPE] >= fp[F_LEAST] && PySet_Add(part[8], p) < 0)
            goto done;
    }
    out = PyTuple_New(9);
    if (out != NULL)
        for (int k = 0; k < 9; k++) {
            PyTuple_SET_ITEM(out, k, part[k]);
            part[k] = NULL;
        }
done:
    for (int k = 0; k < 9; k++)
        Py_XDECREF(part[k]);
    release_typed(v, held);
    if (out == Py_NotImplemented)
        Py_INCREF(out);
    return out;
}

#undef LEN
#undef I
#undef D

/* the floats of floor_groups (fparams): the word model's slack, the floors
 * of a candidate where what is written is isolated and where it is not,
 * context's channel cost and slope, CONTEXT_PLAUSIBLE */
enum { G_SLACK, G_LONE_FLOOR, G_OTHER_FLOOR, G_COST, G_SLOPE, G_LEAST, N_GPARAMS };

/* floor_groups(text, pos, gains, chan, visual, isolated, counted, alts,
 *              fparams, window)
 * -> context.score._py_floor_groups: (the plausible suspects, the spans (a, b, i)
 *    of the positions with a candidate that may reach its floor, those
 *    candidates' indices by position, their characters), or NotImplemented
 *    (other types or lengths, pos not ascending).  The same double
 *    operations in the same order as the Python loop */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("fp-contract=off")))
#endif
static PyObject *
floor_groups(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (!arity("floor_groups", nargs, 10))
        return NULL;
    PyObject *text = args[0], *pos = args[1], *gains = args[2], *chan = args[3], *visual = args[4], *isolated = args[5], *counted = args[6], *alts = args[7];
    Py_ssize_t window;
    if (!PyUnicode_CheckExact(text) || !PyList_CheckExact(pos) || !PyList_CheckExact(gains) || !PyList_CheckExact(chan) || !PyList_CheckExact(visual)
        || !PyList_CheckExact(alts) || !PyAnySet_CheckExact(isolated) || !PyAnySet_CheckExact(counted) || as_index(args[9], &window) < 0 || window < 0)
        Py_RETURN_NOTIMPLEMENTED;
    Py_ssize_t nc = PyList_GET_SIZE(pos), n = PyUnicode_GET_LENGTH(text);
    if (PyList_GET_SIZE(gains) != nc || PyList_GET_SIZE(chan) != nc || PyList_GET_SIZE(visual) != nc || PyList_GET_SIZE(alts) != nc)
        Py_RETURN_NOTIMPLEMENTED;
    Py_buffer v[1];
    static const int want[1] = {F64};
    if (take_typed(args + 8, v, want, 1) != 1)
        Py_RETURN_NOTIMPLEMENTED;
    PyObject *out = Py_NotImplemented, *spans = NULL, *groups = NULL, *chars = NULL, *group = NULL, *chs = NULL;
    if (v[0].len / 8 != N_GPARAMS)
        goto done;
    const double *fp = (const double *)v[0].buf;
    Py_ssize_t last_p = -1;
    for (Py_ssize_t j = 0; j < nc; j++) { /* types and order first: the Python loop reads them as they are */
        PyObject *p = PyList_GET_ITEM(pos, j), *a = PyList_GET_ITEM(alts, j), *vis = PyList_GET_ITEM(visual, j);
        Py_ssize_t pj;
        if (as_index(p, &pj) < 0 || pj < 0 || pj >= n || pj < last_p || !PyFloat_CheckExact(PyList_GET_ITEM(gains, j)) || !PyFloat_CheckExact(PyList_GET_ITEM(chan, j))
            || !PyUnicode_CheckExact(a) || (vis != Py_True && vis != Py_False))
            goto done;
        last_p = pj;
    }
    out = NULL;
    Py_ssize_t plausible = PySet_GET_SIZE(counted), seen = -1, last = -1;
    if ((spans = PyList_New(0)) == NULL || (groups = PyList_New(0)) == NULL || (chars = PyList_New(0)) == NULL)
        goto done;
    for (Py_ssize_t j = 0; j < nc; j++) {
        PyObject *p = PyList_GET_ITEM(pos, j);
        Py_ssize_t pj = PyLong_AsSsize_t(p);
        double g = PyFloat_AS_DOUBLE(PyList_GET_ITEM(gains, j)), c = PyFloat_AS_DOUBLE(PyList_GET_ITEM(chan, j));
        int lone = PySet_Contains(isolated, p);
        if (lone < 0)
            goto done;
        if (lone) {
            if (pj != seen && PyList_GET_ITEM(visual, j) == Py_True && g - (c - fp[G_COST]) / fp[G_SLOPE] >= fp[G_LEAST]) {
                int was = PySet_Contains(counted, p);
                if (was < 0)
                    goto done;
                plausible += !was;
                seen = pj;
            }
            if (!(g - c + fp[G_SLACK] >= fp[G_LONE_FLOOR])) /* the same outcome for a NaN */
                continue;
        }
        else if (!(g - c + fp[G_SLACK] >= fp[G_OTHER_FLOOR]))
            continue;
        if (pj != last) {
            Py_ssize_t a, b;
            han_span_of(text, pj, window, &a, &b);
            PyObject *span = Py_BuildValue("(nnn)", a, b, pj);
            group = PyList_New(0);
            chs = PyList_New(0);
            if (span == NULL || group == NULL || chs == NULL || PyList_Append(spans, span) < 0 || PyList_Append(groups, group) < 0 || PyList_Append(chars, chs) < 0) {
                Py_XDECREF(span);
                goto done;
            }
            Py_DECREF(span);
            Py_CLEAR(group);
            Py_CLEAR(chs);
            last = pj;
        }
        PyObject *jj = PyLong_FromSsize_t(j);
        Py_ssize_t at = PyList_GET_SIZE(groups) - 1;
        int bad = jj == NULL || PyList_Append(PyList_GET_ITEM(groups, at), jj) < 0 || PyList_Append(PyList_GET_ITEM(chars, at), PyList_GET_ITEM(alts, j)) < 0;
        Py_XDECREF(jj);
        if (bad)
            goto done;
    }
    out = Py_BuildValue("(nOOO)", plausible, spans, groups, chars);
done:
    Py_XDECREF(spans);
    Py_XDECREF(groups);
    Py_XDECREF(chars);
    Py_XDECREF(group);
    Py_XDECREF(chs);
    release_typed(v, 1);
    if (out == Py_NotImplemented)
        Py_INCREF(out);
    return out;
}

/* one run of equal keys of phrases._paired_few: [a, b) of its values, the
 * first and last of its quads (values below n) and how many, the last of
 * its one-gap quads (values n .. 2n, less n) and how many */
typedef struct {
    Py_ssize_t a, b, nq, nones;
    int64_t qfirst, qlast, olast;
} PairRun;

/* append (p, k, d, q) to list; 0, or -1 with an exception set */
static int
append4(PyObject *list, int64_t p, int64_t k, int64_t d, int64_t q)
{
    PyObject *t = Py_BuildValue("(LLLL)", (long long)p, (long long)k, (long long)d, (long long)q);
    if (t == NULL)
        return -1;
    int r = PyList_Append(list, t);
    Py_DECREF(t);
    return r;
}

static PyObject *
paired_few(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    /* paired_few(dup, at, order, n) */
    if (!arity("paired_few", nargs, 4))
        return NULL;
    Py_ssize_t n = PyLong_AsSsize_t(args[3]);
    if (n == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        Py_RETURN_NOTIMPLEMENTED;
    }
    Py_buffer v[3];
    int held = 0;
    for (; held < 3; held++)
        if (get_typed(args[held], &v[held], 8, I64_KINDS, 0) != 0)
            break;
    PyObject *out = Py_NotImplemented;
    int64_t *idx = NULL, *vals = NULL;
    Py_ssize_t *starts = NULL;
    PairRun *runs = NULL;
    unsigned char *written = NULL;
    if (held != 3 || n <= 0)
        goto done;
    const int64_t *dup = v[0].buf, *at = v[1].buf, *order = v[2].buf;
    Py_ssize_t ndup = v[0].len / 8, nat = v[1].len / 8;
    if (v[2].len / 8 != nat)
        goto done;
    idx = PyMem_Malloc((2 * ndup + 1) * sizeof(int64_t));
    vals = PyMem_Malloc((2 * ndup + 1) * sizeof(int64_t));
    starts = PyMem_Malloc((ndup + 2) * sizeof(Py_ssize_t));
    runs = PyMem_Malloc((ndup + 1) * sizeof(PairRun));
    written = PyMem_Calloc((size_t)n, 1);
    if (idx == NULL || vals == NULL || starts == NULL || runs == NULL || written == NULL) {
        out = PyErr_NoMemory();
        goto failed;
    }
    /* the runs of equal keys (indices into the sorted keys, in its order) */
    Py_ssize_t nidx = 0, nstarts = 0;
    int64_t prev = -2;
    for (Py_ssize_t j = 0; j < ndup; j++) {
        int64_t i = dup[j];
        if (i < 0 || i + 1 >= nat)
            goto done;
        if (i != prev + 1) {
            starts[nstarts++] = nidx;
            idx[nidx++] = i;
        }
        idx[nidx++] = i + 1;
        prev = i;
    }
    starts[nstarts] = nidx;
    for (Py_ssize_t j = 0; j < nidx; j++) {
        int64_t o = order[idx[j]];
        if (o < 0 || o >= nat)
            goto done;
        vals[j] = at[o];
        if (vals[j] < 0 || vals[j] >= 3 * (int64_t)n)
            goto done;
    }
    /* a place whose quad is written twice or more; the runs that hold a gapped quad */
    Py_ssize_t nruns = 0;
    for (Py_ssize_t r = 0; r < nstarts; r++) {
        PairRun run = {starts[r], starts[r + 1], 0, 0, -1, -1, -1};
        for (Py_ssize_t j = run.a; j < run.b; j++) {
            int64_t x = vals[j];
            if (x < n) {
                if (run.nq++ == 0)
                    run.qfirst = x;
                run.qlast = x;
            } else if (x < 2 * (int64_t)n) {
                run.nones++;
                run.olast = x - n;
            }
        }
        if (run.nq > 1)
            for (Py_ssize_t j = run.a; j < run.b; j++)
                if (vals[j] < n)
                    written[vals[j]] = 1;
        if (run.nq < run.b - run.a)
            runs[nruns++] = run;
    }
    PyObject *list = PyList_New(0);
    if (list == NULL) {
        out = NULL;
        goto failed;
    }
    for (Py_ssize_t r = 0; r < nruns; r++) {
        const PairRun *run = &runs[r];
        for (Py_ssize_t j = run->a; j < run->b; j++) {
            int64_t x = vals[j];
            if (x < n)
                continue;
            int64_t k = x / n, p = x % n;
            int64_t q = run->nq ? run->qlast : n;
            if (q == p)
                q = run->qfirst;
            if (q == p)
                q = n;
            int64_t o = k == 1 && run->nones > 1 && run->olast != p ? run->olast : n;
            int fresh_p = !written[p];
            if ((fresh_p && o < n) || (o < n && !written[o]) || (q < n && (fresh_p || k == 2 || !written[q]))) {
                if (q < n && (append4(list, p, k, 0, q) < 0 || append4(list, q, 0, k, p) < 0))
                    goto list_failed;
                if (o < n && (append4(list, p, 1, 1, o) < 0 || append4(list, o, 1, 1, p) < 0))
                    goto list_failed;
            }
        }
    }
    out = list;
    goto finish;
list_failed:
    Py_DECREF(list);
    out = NULL;
    goto failed;
done:
    Py_INCREF(out);
finish:
failed:
    PyMem_Free(idx);
    PyMem_Free(vals);
    PyMem_Free(starts);
    PyMem_Free(runs);
    PyMem_Free(written);
    release_typed(v, held);
    return out;
}

/* quads(raw, plain, g1, g2, han): phrases._quads from the UTF-16-LE text
 * (raw: len(text) + 2 units, the last two 0) into uint64 arrays of n =
 * len(text) - 3 and a bool array of len(text) + 2: None, or NotImplemented
 * for other types or sizes */
static PyObject *
quads(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (!arity("quads", nargs, 5))
        return NULL;
    Py_buffer v[5];
    int held = 0;
    if (get_typed(args[0], &v[0], 1, "B", 0) == 0) {
        held = 1;
        for (; held < 4; held++)
            if (get_typed(args[held], &v[held], 8, U64_KINDS, 1) != 0)
                break;
        if (held == 4 && get_typed(args[4], &v[4], 1, "?", 1) == 0)
            held = 5;
    }
    PyObject *out = Py_NotImplemented;
    if (held != 5 || v[0].len % 2 != 0)
        goto done;
    Py_ssize_t units = v[0].len / 2, n = v[1].len / 8;
    if (n < 1 || units != n + 5 || v[2].len / 8 != n || v[3].len / 8 != n || v[4].len != units)
        goto done;
    const unsigned char *raw = v[0].buf;
    uint64_t *plain = v[1].buf, *g1 = v[2].buf, *g2 = v[3].buf;
    unsigned char *han = v[4].buf;
    for (Py_ssize_t j = 0; j < units; j++) {
        uint16_t u = (uint16_t)(raw[2 * j] | raw[2 * j + 1] << 8);
        han[j] = (uint16_t)(u - 0x4E00) < 0x5200;
    }
#define U(j) ((uint64_t)(raw[2 * (j)] | raw[2 * (j) + 1] << 8))
    for (Py_ssize_t t = 0; t < n; t++) {
        uint64_t low = U(t) | U(t + 1) << 16;
        uint64_t quad = low | U(t + 2) << 32 | U(t + 3) << 48;
        plain[t] = han[t] && han[t + 1] && han[t + 2] && han[t + 3] ? quad : 0;
        g1[t] = low | U(t + 3) << 32 | U(t + 4) << 48;
        g2[t] = low | U(t + 4) << 32 | U(t + 5) << 48;
    }
#undef U
    out = Py_None;
done:
    return released(v, held, out);
}

/* a multiset of nonzero uint64 keys: open addressing, Fibonacci hashing,
 * 0 an empty slot (a small table per call: phrases._candidates' screen) */
typedef struct {
    uint64_t *keys;
    uint32_t *counts;
    uint64_t mask;
    int shift;
} KeyCounts;

static int
key_counts_init(KeyCounts *kc, Py_ssize_t most)
{
    int bits = 4;
    while (((Py_ssize_t)1 << bits) < 2 * most + 2)
        bits++;
    kc->mask = ((uint64_t)1 << bits) - 1;
    kc->shift = 64 - bits;
    kc->keys = PyMem_Calloc((size_t)1 << bits, sizeof(uint64_t));
    kc->counts = PyMem_Calloc((size_t)1 << bits, sizeof(uint32_t));
    return kc->keys != NULL && kc->counts != NULL;
}

static void
key_counts_free(KeyCounts *kc)
{
    PyMem_Free(kc->keys);
    PyMem_Free(kc->counts);
}

static void
key_counts_add(KeyCounts *kc, uint64_t key)
{
    if (key == 0)
        return;
    uint64_t h = (key * 0x9E3779B97F4A7C15ULL) >> kc->shift;
    while (kc->keys[h] != 0 && kc->keys[h] != key)
        h = (h + 1) & kc->mask;
    kc->keys[h] = key;
    kc->counts[h]++;
}

/* whether key (not 0) was added at least twice */
static int
key_counts_repeated(const KeyCounts *kc, uint64_t key)
{
    if (key == 0)
        return 0;
    uint64_t h = (key * 0x9E3779B97F4A7C15ULL) >> kc->shift;
    while (kc->keys[h] != 0) {
        if (kc->keys[h] == key)
            return kc->counts[h] >= 2;
        h = (h + 1) & kc->mask;
    }
    return 0;
}

/* candidate_places(plain, g1, g2, han): phrases._candidates' places
 * (_py_candidate_places: (position, code) with a code not 0, by position)
 * from phrases._quads' arrays; NotImplemented for other types or sizes */
static PyObject *
candidate_places(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (!arity("candidate_places", nargs, 4))
        return NULL;
    Py_buffer v[4];
    int held = 0;
    for (; held < 3; held++)
        if (get_typed(args[held], &v[held], 8, U64_KINDS, 0) != 0)
            break;
    if (held == 3 && get_typed(args[3], &v[3], 1, "?", 0) == 0)
        held = 4;
    PyObject *out = Py_NotImplemented;
    KeyCounts w = {NULL, NULL, 0, 0}, w12 = {NULL, NULL, 0, 0};
    unsigned char *flags = NULL;
    if (held != 4)
        goto done;
    Py_ssize_t n = v[0].len / 8;
    if (n < 1 || v[1].len / 8 != n || v[2].len / 8 != n || v[3].len != n + 5)
        goto done;
    const uint64_t *plain = v[0].buf, *g1 = v[1].buf, *g2 = v[2].buf;
    const unsigned char *han = v[3].buf;
    flags = PyMem_Malloc(n + 2);
    if (!key_counts_init(&w, n) || !key_counts_init(&w12, 2 * n) || flags == NULL) {
        out = PyErr_NoMemory();
        goto failed;
    }
    /* the quads written twice or more (phrases._repeated: 0 never) */
    for (Py_ssize_t t = 0; t < n; t++)
        key_counts_add(&w, plain[t]);
    PyObject *list = PyList_New(0);
    if (list == NULL) {
        out = NULL;
        goto failed;
    }
    /* flags: 1 the quad is repeated (at[t]; at[n], at[n + 1] set), 2 its
     * quad with one character skipped is a repeated quad, 4 with two;
     * w12: the forms of the repeated quads with one or two skipped */
    int any = 0;
    for (Py_ssize_t t = 0; t < n; t++) {
        int f = key_counts_repeated(&w, plain[t]) | key_counts_repeated(&w, g1[t]) << 1 | key_counts_repeated(&w, g2[t]) << 2;
        flags[t] = (unsigned char)f;
        any |= f;
        if (f & 1) {
            key_counts_add(&w12, g1[t]);
            key_counts_add(&w12, g2[t]);
        }
    }
    flags[n] = flags[n + 1] = 1;
    for (Py_ssize_t t = 0; any && t < n; t++) {
        int rep = flags[t] & 1, ins1 = flags[t] >> 1 & 1, ins2 = flags[t] >> 2 & 1;
        int ch0 = key_counts_repeated(&w12, plain[t]), ch1 = key_counts_repeated(&w12, g1[t]);
        if (!(((ins1 | ch0 | ch1) && !rep) || ins2))
            continue;
        int fresh = !rep && han[t + 2];
        int fresh_after = fresh || !(flags[t + 2] & 1);
        long code = (ins1 && fresh) | (ins2 && fresh_after && han[t + 3]) << 1;
        code |= (ch0 && !rep) << 2 | (ch1 && fresh) << 3;
        if (code) {
            PyObject *p = Py_BuildValue("(nl)", t, code);
            if (p == NULL || PyList_Append(list, p) < 0) {
                Py_XDECREF(p);
                Py_DECREF(list);
                out = NULL;
                goto failed;
            }
            Py_DECREF(p);
        }
    }
    out = list;
    goto failed;
done:
    Py_INCREF(out);
failed:
    key_counts_free(&w);
    key_counts_free(&w12);
    PyMem_Free(flags);
    release_typed(v, held);
    return out;
}

/* once_keys(plain, g1, g2, han, at, keys): phrases._py_once_keys into the
 * first entries of at (int64) and keys (uint64), both of 3 n: how many
 * (an int), or NotImplemented for other types or sizes */
static PyObject *
once_keys(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (!arity("once_keys", nargs, 6))
        return NULL;
    Py_buffer v[6];
    int held = 0;
    for (; held < 3; held++)
        if (get_typed(args[held], &v[held], 8, U64_KINDS, 0) != 0)
            break;
    if (held == 3 && get_typed(args[3], &v[3], 1, "?", 0) == 0)
        held = 4;
    if (held == 4 && get_typed(args[4], &v[4], 8, I64_KINDS, 1) == 0)
        held = 5;
    if (held == 5 && get_typed(args[5], &v[5], 8, U64_KINDS, 1) == 0)
        held = 6;
    PyObject *out = Py_NotImplemented;
    if (held != 6)
        goto done;
    Py_ssize_t n = v[0].len / 8;
    if (n < 1 || v[1].len / 8 != n || v[2].len / 8 != n || v[3].len != n + 5 || v[4].len / 8 != 3 * n || v[5].len / 8 != 3 * n)
        goto done;
    const uint64_t *plain = v[0].buf, *g1 = v[1].buf, *g2 = v[2].buf;
    const unsigned char *han = v[3].buf;
    int64_t *at = v[4].buf;
    uint64_t *keys = v[5].buf;
    Py_ssize_t m = 0;
    /* the quads of Han characters, then (tag 1) those with a fifth Han
     * character after them with its third skipped, then (tag 2) those with
     * a sixth too with the third and fourth skipped: at = tag * n + place */
    for (Py_ssize_t t = 0; t < n; t++)
        if (plain[t] != 0) {
            at[m] = t;
            keys[m++] = plain[t];
        }
    for (Py_ssize_t t = 0; t < n; t++)
        if (plain[t] != 0 && han[t + 4]) {
            at[m] = n + t;
            keys[m++] = g1[t];
        }
    for (Py_ssize_t t = 0; t < n; t++)
        if (plain[t] != 0 && han[t + 4] && han[t + 5]) {
            at[m] = 2 * n + t;
            keys[m++] = g2[t];
        }
    out = PyLong_FromSsize_t(m);
    release_typed(v, held);
    return out;
done:
    return released(v, held, out);
}

/* sorted_dups(keys, order, dup): the indices i (into keys in the order
 * order) where the key equals the next one, into the first entries of dup
 * (int64, as long as keys): how many (an int), or NotImplemented */
static PyObject *
sorted_dups(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (!arity("sorted_dups", nargs, 3))
        return NULL;
    Py_buffer v[3];
    int held = 0;
    if (get_typed(args[0], &v[0], 8, U64_KINDS, 0) == 0) {
        held = 1;
        for (; held < 3; held++)
            if (get_typed(args[held], &v[held], 8, I64_KINDS, held == 2) != 0)
                break;
    }
    PyObject *out = Py_NotImplemented;
    if (held != 3)
        goto done;
    Py_ssize_t m = v[0].len / 8;
    if (v[1].len / 8 != m || v[2].len / 8 != m)
        goto done;
    const uint64_t *keys = v[0].buf;
    const int64_t *order = v[1].buf;
    int64_t *dup = v[2].buf;
    for (Py_ssize_t j = 0; j < m; j++)
        if (order[j] < 0 || order[j] >= m)
            goto done;
    Py_ssize_t nd = 0;
    for (Py_ssize_t j = 0; j + 1 < m; j++)
        if (keys[order[j + 1]] == keys[order[j]])
            dup[nd++] = j;
    out = PyLong_FromSsize_t(nd);
    release_typed(v, held);
    return out;
done:
    return released(v, held, out);
}

static PyMethodDef methods[] = {
    {"word_gain_bounds_many", (PyCFunction)(void (*)(void))word_gain_bounds_many, METH_FASTCALL,
     PyDoc_STR("word_gain_bounds_many(text, spans, chars, table, banned, compact)\n--\n\n"
               "word_gain_bounds of text[a:b] at p for each (a, b, p) of spans, with the list\n"
               "of chars at the same place: a list of lists; NotImplemented for arguments it\n"
               "does not handle.")},
    {"proposals", (PyCFunction)(void (*)(void))proposals, METH_FASTCALL,
     PyDoc_STR("proposals(keys, filter, bits, radix, counts, pair_keys, mids, mcounts, mstarts, alike_keys, alike_rank, alike_deficit, alike_starts, id_table, vocab_codes, trad, ids, cps, params, two_keys, two_starts, beside_bits, written_bits, near_bits)\n--\n\n"
               "cleaner.typos.context.proposals._py_proposals's suspects and candidates in one call:\n"
               "(isolated positions, positions, code points, deficits, kinds, and the\n"
               "positions, code points and deficits of the look-alikes left out) as\n"
               "bytearrays; NotImplemented for arguments it does not handle.")},
    {"word_gain_bound", (PyCFunction)(void (*)(void))word_gain_bound, METH_FASTCALL,
     PyDoc_STR("word_gain_bound(window, p, c, table, banned, old_segs, starts, compact)\n--\n\n"
               "cleaner.typos.model.word_gain_bound with the model's table for the model:\n"
               "the same float, old_segs filled the same way; NotImplemented when the\n"
               "arguments are not of the types handled here.  compact: None or\n"
               "compact_table(table), which then serves the look-ups.")},
    {"word_starts", (PyCFunction)(void (*)(void))word_starts, METH_FASTCALL,
     PyDoc_STR("word_starts(window, p, table, compact)\n--\n\n"
               "cleaner.typos.model.word_starts with the model's table for the model:\n"
               "the same list; NotImplemented when the arguments are not of the types\n"
               "handled here.  compact: as for word_gain_bound.")},
    {"word_gain_bounds", (PyCFunction)(void (*)(void))word_gain_bounds, METH_FASTCALL,
     PyDoc_STR("word_gain_bounds(window, p, chars, table, banned, compact)\n--\n\n"
               "cleaner.typos.context.score._word_gain_bounds: word_gain_bound at p of each\n"
               "character of the list chars, the starts of word_starts and one memo shared,\n"
               "as a list of the same floats; NotImplemented when the arguments are not of\n"
               "the types handled here.")},
    {"han_span", (PyCFunction)(void (*)(void))han_span, METH_FASTCALL,
     PyDoc_STR("han_span(text, i, width)\n--\n\n"
               "cleaner.typos.model.han_span: the run of Han characters (basic block) around\n"
               "i, at most width either side, as (a, b); NotImplemented for i outside the\n"
               "text or a width below 0.")},
    {"covering_words", (PyCFunction)(void (*)(void))covering_words, METH_FASTCALL,
     PyDoc_STR("covering_words(text, i, min_len, table, compact)\n--\n\n"
               "cleaner.typos.model.WordModel.covering_words with the model's table: the\n"
               "spans (a, b) as a list, the same order; NotImplemented when the arguments\n"
               "are not of the types handled here.  compact: as for word_gain_bound.")},
    {"logprob_variants", (PyCFunction)(void (*)(void))logprob_variants, METH_FASTCALL,
     PyDoc_STR("logprob_variants(text, pos, chars, table, banned, compact)\n--\n\n"
               "cleaner.typos.model.WordModel.logprob_variants with the model's table: the\n"
               "log probability of text and of text with each character of the list chars\n"
               "at pos, (float, list), the same floats; NotImplemented when the arguments\n"
               "are not of the types handled here.  compact: as for word_gain_bound.")},
    {"neighbour_counts", (PyCFunction)(void (*)(void))neighbour_counts, METH_FASTCALL,
     PyDoc_STR("neighbour_counts(keys, filter, bits, radix, counts, ids, pairs, triples)\n--\n\n"
               "cleaner.typos.charmodel.CharModel.neighbour_counts into pairs (len(ids) + 1)\n"
               "and triples (len(ids)), int64; None, or NotImplemented for other types, sizes\n"
               "or ids.")},
    {"four_gram_max", (PyCFunction)(void (*)(void))four_gram_max, METH_FASTCALL,
     PyDoc_STR("four_gram_max(keys, filter, bits, radix, counts, ids, at, new, out)\n--\n\n"
               "cleaner.typos.context.words._four_gram_counts of windows(ids, at, 3, 3) with new at\n"
               "column 3: out[j] the largest count (uint32 counts) of the four 4-grams\n"
               "holding the candidate; None, or NotImplemented for other types, sizes or ids.")},
    {"middle_runs", (PyCFunction)(void (*)(void))middle_runs, METH_FASTCALL,
     PyDoc_STR("middle_runs(pair_keys, mids, counts, left, right, starts)\n--\n\n"
               "cleaner.typos.charmodel.CharModel.middle_runs over its _middle_index (int64,\n"
               "int64, uint32; starts: where each left id's pairs begin): (owner, rank, mids,\n"
               "counts) as four bytearrays of int64, the same values; NotImplemented for\n"
               "other types, sizes or ids.")},
    {"compact_table", (PyCFunction)compact_table, METH_O,
     PyDoc_STR("compact_table(table)\n--\n\n"
               "A compact copy of a word table (a capsule holding a reference to it) for\n"
               "the compact argument of word_gain_bound and word_starts: its strings of\n"
               "at most MAX_WORD characters of the BMP (without U+0000) in an\n"
               "open-addressing hash table of 24-byte slots, at most three in four used;\n"
               "None when the table is not a dict of str to float or None.  The table\n"
               "must not change afterwards (a change of its size turns the copy off).")},
    {"compact_info", (PyCFunction)compact_info, METH_O,
     PyDoc_STR("compact_info(compact)\n--\n\n"
               "(entries held, slots, bytes allocated) of a compact_table.")},
    {"screen_arrays", (PyCFunction)(void (*)(void))screen_arrays, METH_FASTCALL,
     PyDoc_STR("screen_arrays(cp, ids, suspects, slots, count, start, top, c_lp, sim, nb, best_pair,\n"
               "              partner_ids, bigrams, width, pair_keys, pair_lps, chars, floor)\n--\n\n"
               "cleaner.typos.confusion_rule._screen_arrays over the arrays of its _Partners\n"
               "(count .. best_pair), _PairSets (partner_ids .. pair_lps) and WordIndex (chars):\n"
               "its five arrays as bytes (int64, float64, int64, int64, float64), the same\n"
               "floats in the same order; NotImplemented for arrays of other types or shapes\n"
               "or an index numpy would wrap or refuse.")},
    {"ngram_find", (PyCFunction)(void (*)(void))ngram_find, METH_FASTCALL,
     PyDoc_STR("ngram_find(keys, filter, bits, radix, query, out)\n--\n\n"
               "cleaner.typos.charmodel.CharModel._find: out[i] = the index of query[i] in\n"
               "the sorted uint64 keys or -1, read through the model's Bloom filter (bits)\n"
               "and searched in the run of its order and first id (radix: CharModel._radix);\n"
               "None, or NotImplemented for other types or sizes.")},
    {"gain_probs", (PyCFunction)(void (*)(void))gain_probs, METH_FASTCALL,
     PyDoc_STR("gain_probs(keys, filter, bits, radix, counts, follow_n, follow_s, ids, pos, repl, uni_denom, h)\n--\n\n"
               "cleaner.typos.charmodel.CharModel._gain_probs: (probabilities, back) as\n"
               "bytearrays of float64 and int64, the same values; NotImplemented for other\n"
               "types, sizes, ids or positions.")},
    {"quads", (PyCFunction)(void (*)(void))quads, METH_FASTCALL,
     PyDoc_STR("quads(raw, plain, g1, g2, han)\n--\n\n"
               "cleaner.typos.phrases._quads into the given arrays (the same values) from\n"
               "the UTF-16-LE text; None, or NotImplemented for other types or sizes.")},
    {"candidate_places", (PyCFunction)(void (*)(void))candidate_places, METH_FASTCALL,
     PyDoc_STR("candidate_places(plain, g1, g2, han)\n--\n\n"
               "cleaner.typos.phrases._py_candidate_places from _quads' arrays: the same\n"
               "(position, code) list; NotImplemented for other types or sizes.")},
    {"once_keys", (PyCFunction)(void (*)(void))once_keys, METH_FASTCALL,
     PyDoc_STR("once_keys(plain, g1, g2, han, at, keys)\n--\n\n"
               "cleaner.typos.phrases._py_once_keys into the first entries of at and keys:\n"
               "how many; NotImplemented for other types or sizes.")},
    {"sorted_dups", (PyCFunction)(void (*)(void))sorted_dups, METH_FASTCALL,
     PyDoc_STR("sorted_dups(keys, order, dup)\n--\n\n"
               "np.flatnonzero(ranked[1:] == ranked[:-1]) of ranked = keys[order], into the\n"
               "first entries of dup: how many; NotImplemented for other types or sizes.")},
    {"floor_groups", (PyCFunction)(void (*)(void))floor_groups, METH_FASTCALL,
     PyDoc_STR("floor_groups(text, pos, gains, chan, visual, isolated, counted, alts, fparams, window)\n--\n\n"
               "cleaner.typos.context.score._py_floor_groups: (plausible, spans, groups, chars), the\n"
               "same values; NotImplemented for other types or lengths.")},
    {"proposal_lists", (PyCFunction)(void (*)(void))proposal_lists, METH_FASTCALL,
     PyDoc_STR("proposal_lists(isolated, pos, code, deficit, kind, away_pos, away_code, away_deficit, ids, id_table, solo, unigram, fparams)\n--\n\n"
               "the buffers of proposals as cleaner.typos.context.score.score_all reads them\n"
               "(proposals_of's lists with the rarity discount, _left_out_evidence's): a tuple\n"
               "of 9, the same values; NotImplemented for other types, sizes or indices.")},
    {"paired_few", (PyCFunction)(void (*)(void))paired_few, METH_FASTCALL,
     PyDoc_STR("paired_few(dup, at, order, n)\n--\n\n"
               "cleaner.typos.phrases._py_paired_few: the pairs of places (a list of\n"
               "4-tuples, the same order) from int64 arrays; NotImplemented for other\n"
               "types or out-of-range values.")},
    {NULL, NULL, 0, NULL},
};

static int
exec_module(PyObject *m)
{
    if (PyModule_AddIntConstant(m, "ABI", ABI) < 0 || PyModule_AddIntConstant(m, "MAX_WORD", MAX_WORD) < 0)
        return -1;
    PyObject *u = PyFloat_FromDouble(UNKNOWN_LOGP);
    if (u == NULL)
        return -1;
    int r = PyModule_AddObject(m, "UNKNOWN_LOGP", u);
    if (r < 0)
        Py_DECREF(u);
    return r;
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "_cleaner_speedups",
    "Optional C versions of the typo rules' inner loops: the word model's screen and gain bounds, the character model's n-gram look-ups, proposals and gains (bit-identical to the Python code in cleaner.typos).",
    0,
    methods,
    slots,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC
PyInit__cleaner_speedups(void)
{
    return PyModuleDef_Init(&module);
}
