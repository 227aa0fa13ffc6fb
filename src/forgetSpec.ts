/** The page reads the forget request's grammar from the core (declared once there). */
export { formatForget, parseForget, runnable, type ForgetChoice } from './core/common/forgetSpec';
