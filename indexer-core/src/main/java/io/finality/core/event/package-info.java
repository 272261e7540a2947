/**
 * The payment-event journal record format: a versioned little-endian binary layout (see
 * {@link io.finality.core.event.EventRecord} and docs/events.md), allocation-free flyweight encoders
 * and decoders over Agrona buffers, the stable enums it carries, and a JSON rendering for the edge.
 */
package io.finality.core.event;
