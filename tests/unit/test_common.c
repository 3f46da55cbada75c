/* test_common.c: the shared helpers of src/common (growable arrays). */
#include "common/common.h"
#include "t.h"

#include <stdint.h>
#include <stdlib.h>

/* sl_array_grow: starts at `first`, doubles past `need`, keeps the elements,
 * returns the same array when it is big enough, and leaves array and capacity
 * alone when the size would overflow. */
static void test_array_grow(void)
{
    size_t cap = 0;
    uint32_t *a = sl_array_grow(NULL, &cap, 1, sizeof *a, 16);
    REQUIRE(a);
    CHECK_EQ_INT(cap, 16);
    for (uint32_t i = 0; i < 16; i++)
        a[i] = i * 7;
    CHECK(sl_array_grow(a, &cap, 16, sizeof *a, 16) == a); /* room already */
    CHECK_EQ_INT(cap, 16);
    uint32_t *b = sl_array_grow(a, &cap, 17, sizeof *b, 16);
    REQUIRE(b);
    a = b;
    CHECK_EQ_INT(cap, 32);
    int kept = 1;
    for (uint32_t i = 0; i < 16; i++)
        kept &= a[i] == i * 7;
    CHECK(kept);
    b = sl_array_grow(a, &cap, 1000, sizeof *b, 16); /* several doublings at once */
    REQUIRE(b);
    a = b;
    CHECK_EQ_INT(cap, 1024);
    CHECK(sl_array_grow(a, &cap, SIZE_MAX / 2, sizeof *a, 16) == NULL); /* bytes overflow */
    CHECK(sl_array_grow(a, &cap, SIZE_MAX, 1, 16) == NULL);              /* count overflow */
    CHECK_EQ_INT(cap, 1024);
    CHECK(a[15] == 15 * 7); /* still ours, unchanged */
    free(a);
    size_t c1 = 0;
    void *p = sl_array_grow(NULL, &c1, 3, 8, 0); /* first 0: from 1 */
    REQUIRE(p);
    CHECK_EQ_INT(c1, 4);
    free(p);
}

int main(void)
{
    T_RUN(test_array_grow);
    return t_done();
}
