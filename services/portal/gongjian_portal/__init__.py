"""共建 gongjian portal: sign-in, the built front ends, forwarding to the services."""
