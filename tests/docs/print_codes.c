/* print_codes.c - prints the problem code table (src/rules/problem.c) for
 * test_docs.sh, which checks that the README and the man page document every
 * code with the table's severity. One line per code, in enum order:
 *   name severity */
#include <stdio.h>

#include "rdnscheck.h"

int main(void)
{
    for (int i = 0; i < RDC_CODE_COUNT; i++) {
        rdc_code_t c = (rdc_code_t)i;
        if (printf("%s %s\n", rdc_code_name(c), rdc_severity_name(rdc_code_severity(c))) < 0)
            return 1;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
