/* The core's one fingerprint format and SHA-256 (core/fingerprint.c is
 * compiled into this library too), without the rest of the core. */
#include "../../core/fingerprint.h"
