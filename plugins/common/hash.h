/* The core's one hash (core/hash.c is compiled into this library too),
 * offered to the plugins without the rest of the core's headers. */
#include "../../core/hash.h"
