#ifndef JEMBATAN_CRDKAFKA_SHIM_H
#define JEMBATAN_CRDKAFKA_SHIM_H
#include <librdkafka/rdkafka.h>
#endif
