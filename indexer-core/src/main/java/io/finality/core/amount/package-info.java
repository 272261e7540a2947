/**
 * Fixed-width unsigned amounts for wei and token base units: {@link io.finality.core.amount.U128}.
 * Arithmetic, parsing and formatting never allocate; overflow is reported, never silent.
 */
package io.finality.core.amount;
