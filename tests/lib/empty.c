/* Keeps ct_testlib non-empty while tests/lib grows. */
int ct_testlib_empty_unit_;
