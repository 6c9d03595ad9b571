/* grocker_sample._fastmath: sum_of_squares(n) = sum of i*i for i in 0..n-1, as a Python int.
   Plain CPython C API, no other library. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* Below this bound the sum (about n^3/3) fits in 64 unsigned bits. */
#define LOOP_LIMIT 3000000LL

static PyObject *
sum_of_squares(PyObject *module, PyObject *arg)
{
    long long n = PyLong_AsLongLong(arg);
    if (n == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (n <= 0) {
        return PyLong_FromLong(0);
    }
    if (n <= LOOP_LIMIT) {
        unsigned long long total = 0;
        for (unsigned long long i = 0; i < (unsigned long long)n; i++) {
            total += i * i;
        }
        return PyLong_FromUnsignedLongLong(total);
    }
    /* Larger n: the closed form (n-1) * n * (2n-1) / 6 in Python integers, which do not overflow. */
    PyObject *result = NULL, *product = NULL, *tmp = NULL, *factor = NULL, *six = NULL;
    if ((product = PyLong_FromLongLong(n - 1)) == NULL || (six = PyLong_FromLong(6)) == NULL) {
        goto done;
    }
    if ((factor = PyLong_FromLongLong(n)) == NULL || (tmp = PyNumber_Multiply(product, factor)) == NULL) {
        goto done;
    }
    Py_SETREF(product, tmp);
    tmp = NULL;
    Py_CLEAR(factor);
    /* 2n - 1 may not fit in a long long: compute it as n + (n - 1). */
    if ((tmp = PyLong_FromLongLong(n - 1)) == NULL || (factor = PyLong_FromLongLong(n)) == NULL) {
        goto done;
    }
    Py_SETREF(factor, PyNumber_Add(factor, tmp));
    Py_CLEAR(tmp);
    if (factor == NULL || (tmp = PyNumber_Multiply(product, factor)) == NULL) {
        goto done;
    }
    result = PyNumber_FloorDivide(tmp, six);
done:
    Py_XDECREF(product);
    Py_XDECREF(tmp);
    Py_XDECREF(factor);
    Py_XDECREF(six);
    return result;
}

static PyMethodDef fastmath_methods[] = {
    {"sum_of_squares", sum_of_squares, METH_O, "sum_of_squares(n): sum of i*i for i in range(n), as an int."},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef fastmath_module = {
    PyModuleDef_HEAD_INIT, "grocker_sample._fastmath", "C helpers of the Grocker Pipeline sample application.", -1,
    fastmath_methods
};

PyMODINIT_FUNC
PyInit__fastmath(void)
{
    return PyModule_Create(&fastmath_module);
}
