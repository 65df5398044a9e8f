//! Layer 3: advice that never invalidates a contract.

use crate::contract::Contract;
use crate::diagnostic::{Code, Diagnostic};

pub fn check(c: &Contract) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(r) = &c.runtime {
        let ordered = r
            .lifecycle
            .as_ref()
            .is_some_and(|l| l.upgrade_strategy == "ordered");
        if ordered && r.state.r#type == "stateless" {
            out.push(Diagnostic::warning(
                Code::UpgradeStrategyStateMismatch,
                "runtime.lifecycle.upgradeStrategy",
                "ordered upgrades exist for services with state; a stateless service usually wants rolling",
            ));
        }
    }
    out
}
