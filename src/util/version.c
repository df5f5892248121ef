/* version.c - the library's version at run time, from the rdnscheck/version.h
 * that CMake generates from project(VERSION) when the library is built. */
#include "rdnscheck.h"

const char *rdc_version(void)
{
    return RDC_VERSION;
}
