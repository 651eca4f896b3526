/* _cleaner_speedups: optional C versions of two hot loops of
 * cleaner.typos.model (word_starts and word_gain_bound).
 *
 * The Python functions are the reference: these do the same dictionary
 * look-ups on the same str objects and the same double additions in the same
 * order, so they return the same floats bit for bit.  When an argument is not
 * of the exact type they expect (a dict subclass, a value that is neither a
 * float nor None, a start outside the window, ...) they return
 * NotImplemented and cleaner runs the Python function instead.
 *
 * cleaner uses the module only when ABI, MAX_WORD and UNKNOWN_LOGP match its
 * own: bump ABI whenever a signature or a result changes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#define ABI 1
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

/* WordModel.char_logp of text[i] */
static int
char_logp(PyObject *table, PyObject *text, Py_ssize_t i, double *out)
{
    PyObject *ch = PyUnicode_Substring(text, i, i + 1);
    if (ch == NULL)
        return ERR;
    double lp = 0.0;
    int r = lookup(table, ch, &lp);
    Py_DECREF(ch);
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
    PyObject *text, *table, *banned;
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
    PyObject *w = PyUnicode_Substring(s->text, i, i + len);
    if (w == NULL)
        return ERR;
    int r = lookup(s->table, w, lp);
    if (len == 1 && r == 2)
        r = 0; /* a missing character: UNKNOWN_LOGP, as for a prefix */
    if (r == 1 && s->have_banned && len > 1) {
        int in = PySet_Contains(s->banned, w);
        if (in < 0)
            r = ERR;
        else if (in)
            r = 0;
    }
    Py_DECREF(w);
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

static int
bound(PyObject *window, Py_ssize_t p, PyObject *c, PyObject *table, PyObject *banned, PyObject *memo, Py_ssize_t *starts, Py_ssize_t nstarts, double *res)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(window);
    int have_banned = 1; /* word_gain_bound asks `w not in banned` even when it is empty */
    double lc = 0.0, lo = 0.0, best;
    int r;
    PyObject *new = replaced(window, p, c);
    if (new == NULL)
        return ERR;
    if ((r = char_logp(table, c, 0, &lc)) < 0 || (r = char_logp(table, window, p, &lo)) < 0)
        goto done;
    best = lc - lo;
    /* the memo's values are those of WordModel.logprob, which skips the
     * banned test when banned is empty: the same result either way */
    Seen seen;
    seen.text = window;
    seen.table = table;
    seen.banned = banned;
    seen.have_banned = PySet_GET_SIZE(banned) > 0;
    seen.cached = n <= CACHED;
    if (seen.cached)
        memset(seen.state, -1, sizeof seen.state);
    for (Py_ssize_t k = 0; k < nstarts; k++) {
        Py_ssize_t a = starts[k];
        Py_ssize_t stop = n < a + MAX_WORD ? n : a + MAX_WORD;
        for (Py_ssize_t b = a == p ? a + 2 : p + 1; b <= stop; b++) {
            double lp = 0.0;
            PyObject *w = PyUnicode_Substring(new, a, b);
            if (w == NULL) {
                r = ERR;
                goto done;
            }
            r = lookup(table, w, &lp);
            if (r == 1 && have_banned) {
                int in = PySet_Contains(banned, w);
                if (in < 0)
                    r = ERR;
                else if (in)
                    r = 0;
            }
            Py_DECREF(w);
            if (r < 0)
                goto done;
            if (r == 2)
                break;
            if (r == 0)
                continue;
            /* old = old_segs.get((a, b)), computed and stored when absent */
            double old = 0.0;
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
                r = seg_logprob(&seen, a, b, &old);
                PyObject *f = r < 0 ? NULL : PyFloat_FromDouble(old);
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
                old = PyFloat_AS_DOUBLE(v);
            }
            else {
                Py_DECREF(key);
                r = UNSUPPORTED;
                goto done;
            }
            Py_DECREF(key);
            double gain = lp - old;
            if (gain > best)
                best = gain;
        }
    }
    *res = best;
    r = 0;
done:
    Py_DECREF(new);
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
    if (!arity("word_gain_bound", nargs, 7))
        return NULL;
    PyObject *window = args[0], *c = args[2], *table = args[3], *banned = args[4], *memo = args[5], *st = args[6];
    Py_ssize_t p, n, a;
    Py_ssize_t starts[MAX_WORD];
    Py_ssize_t nstarts = 0;
    if (!PyUnicode_CheckExact(window) || !PyUnicode_CheckExact(c) || PyUnicode_GET_LENGTH(c) != 1 || !PyDict_CheckExact(table)
        || !PyFrozenSet_CheckExact(banned) || !PyDict_CheckExact(memo) || as_index(args[1], &p) < 0)
        Py_RETURN_NOTIMPLEMENTED;
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
    int r = bound(window, p, c, table, banned, memo, starts, nstarts, &best);
    if (r == ERR)
        return NULL;
    if (r == UNSUPPORTED)
        Py_RETURN_NOTIMPLEMENTED;
    return PyFloat_FromDouble(best);
}

static PyObject *
word_starts(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (!arity("word_starts", nargs, 3))
        return NULL;
    PyObject *window = args[0], *table = args[2];
    Py_ssize_t p;
    if (!PyUnicode_CheckExact(window) || !PyDict_CheckExact(table) || as_index(args[1], &p) < 0)
        Py_RETURN_NOTIMPLEMENTED;
    if (p < 0 || p > PyUnicode_GET_LENGTH(window))
        Py_RETURN_NOTIMPLEMENTED;
    PyObject *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t s = p - MAX_WORD + 1 > 0 ? p - MAX_WORD + 1 : 0; s <= p; s++) {
        int in = 1;
        if (s != p) {
            PyObject *w = PyUnicode_Substring(window, s, p);
            if (w == NULL)
                goto fail;
            in = PyDict_Contains(table, w);
            Py_DECREF(w);
            if (in < 0)
                goto fail;
        }
        if (in) {
            PyObject *i = PyLong_FromSsize_t(s);
            if (i == NULL || PyList_Append(out, i) < 0) {
                Py_XDECREF(i);
                goto fail;
            }
            Py_DECREF(i);
        }
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"word_gain_bound", (PyCFunction)(void (*)(void))word_gain_bound, METH_FASTCALL,
     PyDoc_STR("word_gain_bound(window, p, c, table, banned, old_segs, starts)\n--\n\n"
               "cleaner.typos.model.word_gain_bound with the model's table for the model:\n"
               "the same float, old_segs filled the same way; NotImplemented when the\n"
               "arguments are not of the types handled here.")},
    {"word_starts", (PyCFunction)(void (*)(void))word_starts, METH_FASTCALL,
     PyDoc_STR("word_starts(window, p, table)\n--\n\n"
               "cleaner.typos.model.word_starts with the model's table for the model:\n"
               "the same list; NotImplemented when the arguments are not of the types\n"
               "handled here.")},
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
    "Optional C versions of cleaner.typos.model.word_starts and word_gain_bound (bit-identical).",
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
