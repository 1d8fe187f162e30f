/* The core's one hash table (core/htab.c is compiled into this library
 * too), offered to the plugins without the rest of the core's headers. */
#include "../../core/htab.h"
