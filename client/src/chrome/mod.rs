//! The chrome around the canvas: toolbar, presence strip, colour bar, zoom
//! controls, the workshop timer, voting and freeze banners, the side panels, and
//! the room controls (follow, summon, agenda, present mode, hands, reactions,
//! hints). Each component takes the signals it shows
//! and, if it changes something, the [`Commands`](crate::commands::Commands)
//! handle; none of them sees the session's internals.

mod agenda;
mod arrange;
mod comments;
mod context_menu;
mod freeze;
mod history;
mod menu;
mod panels;
mod presence;
mod private;
mod room;
mod save_template;
mod shell;
mod since;
mod stylebar;
mod timer;
mod toolbar;
mod voting;
mod zoom;

pub use arrange::ArrangeBar;
pub use comments::{CommentLayer, CommentsButton, CommentsPanel};
pub use context_menu::ContextMenu;
pub use freeze::{FreezeToggle, FrozenBanner};
pub use history::{HistoryBar, HistoryPanel, HistoryView};
pub use menu::BoardMenu;
pub use panels::Panels;
pub use presence::PresenceStrip;
pub use private::{PrivateBanner, PrivateStart};
pub use room::{CameraReadout, CoachCorner, FollowBar, PresentBar, Reactions, RoomBar};
pub use save_template::SaveTemplatePanel;
pub use since::{SinceBar, SinceMarks};
pub use stylebar::ColorPicker;
pub use timer::TimerBar;
pub use toolbar::{ToolRail, Toolbar};
pub use voting::VoteBanner;
pub use zoom::ZoomControls;
