//! The background task that keeps a session's token fresh.

use tokio::sync::watch;
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::*;

/// A background task keeping a [`RoomTokenSession`]'s join token fresh; made by
/// [`RoomTokenSession::spawn`]. Dropping it stops the task.
#[derive(Debug)]
pub struct RoomTokenDriver {
    pub(super) room_id: Uuid,
    pub(super) receiver: watch::Receiver<RoomToken>,
    pub(super) task: Option<JoinHandle<RoomTokenError>>,
}

impl RoomTokenDriver {
    /// The latest join token.
    pub fn current(&self) -> RoomToken {
        self.receiver.borrow().clone()
    }

    /// A receiver that sees every new join token; its `changed()` fails once the driver has
    /// stopped (then [`wait`](Self::wait) says why).
    pub fn subscribe(&self) -> watch::Receiver<RoomToken> {
        self.receiver.clone()
    }

    /// Whether the driver has stopped.
    pub fn is_finished(&self) -> bool {
        self.task.as_ref().is_none_or(JoinHandle::is_finished)
    }

    /// Waits until the driver stops and returns why.
    pub async fn wait(mut self) -> RoomTokenError {
        let stopped = RoomTokenError::DriverStopped {
            room_id: self.room_id,
        };
        let Some(task) = self.task.take() else {
            return stopped;
        };
        match task.await {
            Ok(error) => error,
            Err(join_error) if join_error.is_panic() => {
                std::panic::resume_unwind(join_error.into_panic())
            }
            Err(_) => stopped,
        }
    }

    /// Stops the driver.
    pub fn stop(self) {
        drop(self);
    }
}

impl Drop for RoomTokenDriver {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}
