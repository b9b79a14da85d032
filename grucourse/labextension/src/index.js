// The course's JupyterLab plugins: the Check button of instant checks (on the hub) and the answer
// widgets of personalised quiz notebooks.
import checkPlugin from './check';
import quizAnswersPlugin from './quiz_answers';

export default [checkPlugin, quizAnswersPlugin];
