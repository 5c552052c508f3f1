//! The generated `Service` trait, implemented by delegating records to the store. Sign-in, sign-out and
//! the scope checks are generated from the spec's `oauth` section and never reach this trait.
//!
//! The generated plumbing has already checked every input against the spec; what remains here are the
//! rules the spec cannot state (a `run_id` only with `cancel_run`) and the environment's endpoint rules
//! for test flows, which the generated `test_flows` module carries.
//!
//! The store answers in JSON typed by each query's reply, which is the route's response type: handlers
//! pass it on as it came, so a page of records is never decoded and encoded again on its way out.

use codegen_runtime::{ApiError, Json};

use crate::api::params::{GetLogsParams, GetTracesParams};
use crate::api::service::{RequestContext, Service};
use crate::api::test_flows;
use crate::api::types::{
    ControlAction, ControlRequest, ControlResult, Health, LogPage, Metrics, RunList, TestFlowAccepted, TestFlowRequest,
    TraceList,
};
use crate::store::{ControlCommand, ReadLogs, ReadMetrics, ReadRuns, ReadTraces, StartRun, Store};
use crate::{endpoint_guard, health};

/// The dashboard's business logic.
pub struct Dashboard;

impl Service for Dashboard {
    async fn get_health(&self, context: &RequestContext<'_>) -> Result<Json<Health>, ApiError> {
        Ok(Json::encoded(health::encoded(context.bindings)))
    }

    async fn get_logs(&self, context: &RequestContext<'_>, params: GetLogsParams) -> Result<Json<LogPage>, ApiError> {
        let query = ReadLogs { limit: params.limit, since: params.since.unwrap_or(0) };
        Store::shared(context.bindings)?.ask(query).await
    }

    async fn get_metrics(&self, context: &RequestContext<'_>) -> Result<Json<Metrics>, ApiError> {
        Store::shared(context.bindings)?.ask(ReadMetrics {}).await
    }

    async fn get_traces(
        &self,
        context: &RequestContext<'_>,
        params: GetTracesParams,
    ) -> Result<Json<TraceList>, ApiError> {
        Store::shared(context.bindings)?.ask(ReadTraces { limit: params.limit }).await
    }

    async fn get_runs(&self, context: &RequestContext<'_>) -> Result<Json<RunList>, ApiError> {
        Store::shared(context.bindings)?.ask(ReadRuns {}).await
    }

    async fn post_control(
        &self,
        context: &RequestContext<'_>,
        body: ControlRequest,
    ) -> Result<Json<ControlResult>, ApiError> {
        let command = control_command(body)?;
        Store::shared(context.bindings)?.ask(command).await
    }

    async fn post_test_flow(
        &self,
        context: &RequestContext<'_>,
        body: TestFlowRequest,
    ) -> Result<Json<TestFlowAccepted>, ApiError> {
        let rules = test_flows::endpoint_rules(context.bindings.current_environment());
        endpoint_guard::check(&body.endpoint, &rules)?;
        let start = StartRun { endpoint: body.endpoint, workflow: body.workflow };
        Store::shared(context.bindings)?.ask(start).await
    }
}

/// The store command a control request asks for: `run_id` is required by `cancel_run` and refused
/// elsewhere, so a request that would silently ignore it is rejected instead.
fn control_command(request: ControlRequest) -> Result<ControlCommand, ApiError> {
    match (request.action, request.run_id) {
        // The generated validation has checked the format; run ids are stored lower case.
        (ControlAction::CancelRun, Some(run_id)) => {
            Ok(ControlCommand::CancelRun { run_id: run_id.to_ascii_lowercase() })
        }
        (ControlAction::CancelRun, None) => {
            Err(ApiError::invalid_body("body.run_id", "is required when the action is cancel_run"))
        }
        (action, Some(_)) => {
            Err(ApiError::invalid_body("body.run_id", format!("applies only to cancel_run, not to {action}")))
        }
        (ControlAction::Pause, None) => Ok(ControlCommand::Pause),
        (ControlAction::Resume, None) => Ok(ControlCommand::Resume),
        (ControlAction::ClearLogs, None) => Ok(ControlCommand::ClearLogs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(action: ControlAction, run_id: Option<&str>) -> ControlRequest {
        ControlRequest { action, run_id: run_id.map(str::to_owned) }
    }

    #[test]
    fn cancel_run_needs_a_run_id_and_nothing_else_takes_one() {
        let id = "6F1B0D3E-8A43-4D5E-9C1F-1234567890AB";
        assert_eq!(
            control_command(request(ControlAction::CancelRun, Some(id))),
            Ok(ControlCommand::CancelRun { run_id: id.to_ascii_lowercase() })
        );
        for (action, run_id) in [(ControlAction::CancelRun, None), (ControlAction::Pause, Some(id))] {
            let error = control_command(request(action, run_id)).expect_err("refused");
            assert_eq!((error.status, error.location.as_deref()), (400, Some("body.run_id")));
        }
        assert_eq!(control_command(request(ControlAction::ClearLogs, None)), Ok(ControlCommand::ClearLogs));
    }
}
