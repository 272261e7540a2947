// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Refuses every call and every plain ETH payment: a payment to it is mined with receipt status 0
/// (the "failed payment to an invoice address" case).
contract RevertingReceiver {
    receive() external payable {
        revert("payments refused");
    }

    fallback() external payable {
        revert("calls refused");
    }
}
